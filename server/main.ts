// Entry point of one server process. Configuration: PORT, HOST and the FL_* variables (README
// "Federated learning"). FL_AGGREGATION=central: the demo storefront, the widget's files, the
// candidate endpoint and the central federated-learning server on one origin. In two-aggregator
// mode (the default) FL_ROLE says which aggregator this process is: the leader (the storefront and
// the device-facing /api/fl, talking to the helper at FL_HELPER_URL) or the helper (its own
// endpoints only). `npm start` runs both (server/demo.ts). The state is in SQLite (FL_DB), or in
// PostgreSQL (FL_DATABASE_URL, the helper's FL_HELPER_DATABASE_URL), which any number of instances
// of the same aggregator may share.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createApp, type App } from './app';
import { listen } from './listen';
import { flConfigFromEnv } from './fl/config';
import { createHelperService } from './fl/helper';
import { createHelperApp } from './fl/helper-app';
import { helperClient } from './fl/helper-client';
import { createLeader } from './fl/leader';
import { roleFromEnv } from './fl/roles';
import { mountFl, mountLeader } from './fl/routes';
import { helperStoreFromEnv, leaderStoreFromEnv } from './fl/open-store';
import { createFlService } from './fl/service';


const port = Number(process.env.PORT ?? 4173);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be an integer 0-65535, got "${process.env.PORT}"`);
  process.exit(1);
}

const rootDir = path.resolve(import.meta.dirname, '..');
const initialModel = path.join(rootDir, 'models', 'demo');

async function build(): Promise<{ app: Pick<App, 'handler'>; name: string }> {
  const cfg = flConfigFromEnv();
  const role = roleFromEnv();
  // One database per shipped model: retraining the demo starts federated learning afresh.
  const shipped = JSON.parse(readFileSync(path.join(initialModel, 'model.json'), 'utf8')).version as string;
  const dbPath = (kind: string) => path.join(rootDir, '.data', `fl${kind}-${shipped}.db`);
  if (role.kind === 'helper') {
    const helper = createHelperService({ cfg, settings: role, store: await helperStoreFromEnv(process.env, dbPath('-helper')) });
    await helper.config(); // the first key, now: a broken key store fails at start, not at the first report
    return { app: createHelperApp(helper, { token: role.helperToken }), name: 'Shelfwise helper aggregator' };
  }
  const app = createApp();
  const store = await leaderStoreFromEnv(process.env, dbPath(''));
  if (role.kind === 'central') mountFl(app, await createFlService({ cfg, store, initialModel }), cfg);
  else mountLeader(app, await createLeader({ cfg, settings: role, store, helper: helperClient(role.helperUrl, role.helperToken), initialModel }), cfg);
  return { app, name: 'Shelfwise demo' };
}

const server = await build().catch((error: unknown) => {
  console.error(`Federated learning could not start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});

const running = await listen(server.app, port, process.env.HOST || undefined).catch((error: Error) => {
  console.error(`${server.name} could not listen on port ${port}: ${error.message}`);
  process.exit(1);
});
console.log(`${server.name} on http://localhost:${running.port}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void running.close().then(() => process.exit(0));
  });
}
