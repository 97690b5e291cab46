// Learning with only the gradients gradients.ts registers (this file imports nothing that registers
// TF.js's others): adaptation, with and without dismissals, and a federated update of every weight.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import type { EventLike } from '../model/plain/features';
import { ITEMS, LONG_HISTORY, TINY } from '../model/testing/fixture';
import { fixtureArtifact } from '../model/testing/fixture-weights';
import { weightSpecs } from '../model/weights';
import { adaptMinEvents } from '../rank-on-page/learning';
import { createLearner, type Learner } from './learner';

const history: EventLike[] = Array.from({ length: adaptMinEvents(TINY) + 6 }, (_, i) => ({ ...LONG_HISTORY[i % LONG_HISTORY.length], item_id: ITEMS[i % 12].item_id }));
const offered = { items: ITEMS.slice(12, 20), weights: ITEMS.slice(12, 20).map(() => 1) };
const registered = () => (globalThis as unknown as { _tfGlobals: Map<string, Map<string, unknown>> })._tfGlobals.get('gradRegistry')!;

describe('the gradients learning registers', () => {
  let learner: Learner;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    expect(registered().size, 'no gradient registered before the learner runs').toBe(0);
    learner = await createLearner(await fixtureArtifact(), ['cpu']);
  });

  test('suffice for a federated update of every weight', async () => {
    const delta = await learner.localDelta(weightSpecs(TINY).map((s) => s.name), history, offered);
    expect(delta!.length).toBeGreaterThan(0);
    expect(delta!.every(Number.isFinite)).toBe(true);
    expect(registered().size).toBeLessThan(20);
  });

  test('suffice for adaptation, with and without dismissed items', async () => {
    for (const negatives of [offered, { ...offered, dismissed: ITEMS.slice(20, 23) }]) {
      await expect(learner.adapt(history, negatives)).resolves.not.toThrow();
    }
    expect(learner.backend).toBe('cpu');
  });
});
