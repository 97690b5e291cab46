// Several devices' training inputs side by side, for clientsLoss (objective.ts): one sequence per
// client, every slot a prediction weighted within its client, and each client's own negatives.
// The arrays are made in plain JavaScript, before any tensor.
import type { ModelConfig } from '../plain/config';
import { encodeItems, pickCodes, type EventLike, type ItemCodes, type ItemLike } from '../plain/features';
import type { SequenceBatch } from '../plain/batch';
import { makeTrainArrays } from './train-batch';
import { offerLogQ } from '../plain/sampling';
import { collisionMask } from './objective';
import { interestRow } from '../../shared/events';

/** One device's interest events (oldest first, at least two) and the items it was offered. */
export interface ClientExample {
  events: readonly EventLike[];
  /** At least one. */
  negatives: readonly ItemLike[];
  offerWeights?: readonly number[];
}

export interface ClientArrays {
  inputs: SequenceBatch;
  targets: ItemCodes;
  slotWeights: Float32Array;
  negatives: ItemCodes;
  /** Negatives per client: the most any client has; the others' are padded and masked. */
  negativesPerClient: number;
  collisions: Float32Array;
  logQ: Float32Array;
}

const MASKED = -1e9;

export function clientArrays(clients: readonly ClientExample[], cfg: ModelConfig): ClientArrays {
  const N = Math.max(...clients.map((c) => c.negatives.length));
  // One table of every client's events and negatives; the arrays below index into it.
  const items: ItemLike[] = [];
  const eventRows: number[][] = [];
  const negativeRows: number[] = [];
  for (const c of clients) {
    eventRows.push(c.events.map((e) => items.push(e) - 1));
    const first = items.length;
    items.push(...c.negatives);
    for (let k = 0; k < N; k++) negativeRows.push(first + Math.min(k, c.negatives.length - 1));
  }
  const codes = encodeItems(items, cfg);
  const seqs = clients.map((c, i) => ({ items: eventRows[i], types: c.events.map((e) => interestRow(e.type)) }));
  const arrays = makeTrainArrays(seqs, codes, cfg);
  const L = arrays.inputs.length;
  if (arrays.inputs.batch !== clients.length) throw new Error('client batch: every client needs two interest events');
  // Padding slots predict the client's first event with weight 0.
  const targetRows = Int32Array.from({ length: clients.length * L }, (_, s) => eventRows[Math.floor(s / L)][0]);
  const counts = new Int32Array(clients.length);
  arrays.slots.forEach((s, j) => {
    targetRows[s] = arrays.targets[j];
    counts[Math.floor(s / L)]++;
  });
  const slotWeights = new Float32Array(clients.length * L);
  arrays.slots.forEach((s) => (slotWeights[s] = 1 / counts[Math.floor(s / L)]));
  return {
    inputs: arrays.inputs,
    targets: pickCodes(codes, targetRows, cfg),
    slotWeights,
    negatives: pickCodes(codes, negativeRows, cfg),
    negativesPerClient: N,
    collisions: collisions(clients, items, targetRows, L, N),
    logQ: Float32Array.from(clients.flatMap((c) => padded(offerLogQ(c.offerWeights, c.negatives.length), N))),
  };
}

/** [C, L, N]: each client's collisionMask (same item id) on its own negatives, and the padding. */
function collisions(clients: readonly ClientExample[], items: readonly ItemLike[], targetRows: Int32Array, L: number, N: number): Float32Array {
  const out = new Float32Array(clients.length * L * N);
  clients.forEach((c, i) => {
    const n = c.negatives.length;
    const targets = Array.from(targetRows.subarray(i * L, (i + 1) * L), (r) => items[r].item_id);
    const own = collisionMask(targets, c.negatives.map((x) => x.item_id));
    for (let j = 0; j < L; j++) {
      const row = (i * L + j) * N;
      out.set(own.subarray(j * n, (j + 1) * n), row);
      out.fill(MASKED, row + n, row + N);
    }
  });
  return out;
}

function padded(xs: number[], n: number): number[] {
  return xs.concat(new Array(n - xs.length).fill(0));
}
