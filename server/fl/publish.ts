// Publishing a round's result: the server optimizer's step, taken with the round's noisy mean
// update on the federated weights of the model the round trained, stored as a new version with
// its content hash. Whatever mode aggregated the round, its mean is published through here.
import { SERVER_OPTIMIZER_DEFAULTS, decodeState, encodeState, flatten, scheduledStep } from '../../src/privacy/server-optimizer';
import { encodeWeights, type ModelJson } from '../../src/model/plain/artifact';
import type { FlConfig } from './config';
import { federatedWeights, modelWeights, sha256 } from './models';
import type { FlTx, ModelRow, RoundRow } from './store';

export type PublishSettings = Pick<FlConfig, 'serverOptimizer' | 'serverLearningRate' | 'weights'>;

/** Publishes the version `round` produces from `model` with its noisy `mean` update. */
export type Publish = (tx: FlTx, round: RoundRow, model: ModelRow, mean: Float32Array) => Promise<void>;

/** `horizon`: the rounds the server learning rate decays over (Ledger.horizon). */
export function createPublisher({ cfg, horizon, now }: { cfg: PublishSettings; horizon: number; now: () => number }): Publish {
  const optimizer = { ...SERVER_OPTIMIZER_DEFAULTS, kind: cfg.serverOptimizer, learningRate: cfg.serverLearningRate };
  return async (tx, round, model, mean) => {
    const json = JSON.parse(model.json) as ModelJson;
    const weights = modelWeights(json, model.weights);
    const targets = federatedWeights(json, cfg.weights).map((w) => weights.find((a) => a.name === w.name)!);
    const flat = flatten(targets.map((t) => t.data));
    // FedAdam's moments belong to the model they were computed on; they are kept in the same
    // transaction as the version they produce, so a restart resumes exactly where it stopped.
    const done = (await tx.aggregatedRounds()).length;
    const state = scheduledStep(flat, mean, decodeState(await tx.optimizerState(model.version), flat.length), optimizer, done + 1, horizon);
    let offset = 0;
    for (const t of targets) t.data.set(flat.subarray(offset, (offset += t.data.length)));
    const { entries, bin } = encodeWeights(weights, 'float32');
    const hash = sha256(bin);
    const version = `fl-r${round.id}-${hash.slice(0, 12)}`;
    const next: ModelJson = {
      ...json,
      version,
      weightsSha256: hash,
      weightsManifest: [{ paths: ['weights.bin'], weights: entries }],
      training: { ...(json.training ?? {}), federatedRound: round.id, from: model.version },
    };
    await tx.insertModel({ version, round: round.id, sha256: hash, json: JSON.stringify(next), weights: bin, createdAt: now() });
    if (state) await tx.saveOptimizerState(version, encodeState(state));
  };
}
