// Test support, never shipped: one aggregator process as server/main.ts runs it — its role, its
// store and its settings from the same environment variables — but with replayable noise, seeded
// from SHELFWISE_TEST_NOISE_SEED, so that a test can check a released aggregate exactly, and
// starting from the model in SHELFWISE_TEST_MODEL (default: the demo's; the load benchmark's is
// Beauty-sized). Only tests and benchmarks start this file; server/main.ts has no way to fix the noise.
import { createApp } from '../app';
import { listen } from '../listen';
import { flConfigFromEnv } from './config';
import { createHelperService } from './helper';
import { createHelperApp } from './helper-app';
import { helperClient } from './helper-client';
import { createLeader } from './leader';
import { helperStoreFromEnv, leaderStoreFromEnv } from './open-store';
import { roleFromEnv } from './roles';
import { mountLeader } from './routes';
import { seededWords } from './secagg-test-helpers';
import { INITIAL_MODEL } from './fl-test-helpers';

const seed = Number(process.env.SHELFWISE_TEST_NOISE_SEED);
if (!Number.isInteger(seed)) throw new Error('SHELFWISE_TEST_NOISE_SEED: expected an integer');
// Every round draws from the same seed: whichever instance aggregates it, the noise is known.
const noiseSource = () => seededWords(seed);
const cfg = flConfigFromEnv();
const role = roleFromEnv();
if (role.kind === 'central') throw new Error('the test instance runs a leader or a helper');
if (!process.env.FL_DATABASE_URL && !process.env.FL_HELPER_DATABASE_URL && !process.env.FL_DB) throw new Error('set FL_DB, FL_DATABASE_URL or FL_HELPER_DATABASE_URL');
const unused = '';
const initialModel = process.env.SHELFWISE_TEST_MODEL || INITIAL_MODEL;

let handler;
if (role.kind === 'helper') {
  const helper = createHelperService({ cfg, settings: role, store: await helperStoreFromEnv(process.env, unused), noiseSource });
  await helper.config();
  handler = createHelperApp(helper, { token: role.helperToken });
} else if (role.kind === 'leader') {
  const app = createApp();
  const store = await leaderStoreFromEnv(process.env, unused);
  mountLeader(app, await createLeader({ cfg, settings: role, store, helper: helperClient(role.helperUrl, role.helperToken), initialModel, noiseSource }), cfg);
  handler = app;
}
const running = await listen(handler!, 0, '127.0.0.1');
console.log(`test ${role.kind} on http://127.0.0.1:${running.port}`);
