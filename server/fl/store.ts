// Where the federated-learning state lives. Everything goes through transactions, so an accepted
// update is durable once acknowledged and a round is aggregated exactly once. The interface is
// asynchronous so a PostgreSQL backend (several server instances, `SELECT … FOR UPDATE` in
// lockRound) can implement it as-is; SQLite (sqlite-store.ts) is the embedded default.

type RoundStatus = 'open' | 'aggregated' | 'abandoned';

export interface RoundRow {
  id: number;
  modelVersion: string;
  cohort: number;
  clipNorm: number;
  noiseMultiplier: number;
  /** q = cohort / population, what the accountant charges for this round. */
  samplingRate: number;
  /** Epoch ms. */
  deadline: number;
  status: RoundStatus;
  createdAt: number;
  closedAt: number | null;
}

export interface ModelRow {
  version: string;
  /** Publication order. */
  seq: number;
  round: number | null;
  sha256: string;
  /** model.json text. */
  json: string;
  weights: Uint8Array;
  createdAt: number;
}

export interface FlTx {
  latestModel(): Promise<ModelRow | null>;
  model(version: string): Promise<ModelRow | null>;
  insertModel(row: Omit<ModelRow, 'seq'>): Promise<void>;
  /** The newest round, whatever its status. */
  latestRound(): Promise<RoundRow | null>;
  /** Serialises concurrent writers on one round (a no-op where the transaction already does). */
  lockRound(id: number): Promise<void>;
  createRound(row: Omit<RoundRow, 'id'>): Promise<RoundRow>;
  closeRound(id: number, status: Exclude<RoundStatus, 'open'>, at: number): Promise<void>;
  /** False when the token was used before (in any round). */
  insertUpdate(round: number, token: string, payload: Uint8Array, at: number): Promise<boolean>;
  countUpdates(round: number): Promise<number>;
  updates(round: number): Promise<Uint8Array[]>;
  /** Individual updates are deleted once aggregated: only the noisy aggregate is kept. */
  deleteUpdates(round: number): Promise<void>;
  /** The server optimizer's state after publishing `version` (null: none, e.g. plain FedAvg). */
  optimizerState(version: string): Promise<Uint8Array | null>;
  /** Keeps `state` as the state after `version`; only the latest version's state is kept. */
  saveOptimizerState(version: string, state: Uint8Array): Promise<void>;
  aggregatedRounds(): Promise<Pick<RoundRow, 'samplingRate' | 'noiseMultiplier'>[]>;
  bump(counter: string, by?: number): Promise<void>;
  counters(): Promise<Record<string, number>>;
}

export interface FlStore {
  transaction<T>(fn: (tx: FlTx) => Promise<T>): Promise<T>;
  close(): void;
}
