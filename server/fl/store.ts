// Where the federated-learning state lives. Everything goes through transactions, so an accepted
// update is durable once acknowledged and a round is aggregated exactly once. The interface is
// asynchronous so that PostgreSQL (pg-store.ts: several server instances, `SELECT … FOR UPDATE` in
// lockRound) implements it as SQLite (sqlite-store.ts, the embedded default) does. A transaction
// body may run more than once (PostgreSQL re-runs the loser of a race): it changes nothing but the
// store.

/** 'refused': the decoded sum failed the range check (two-aggregator mode): nothing was published,
 *  but a noisy aggregate was computed, so the round is charged like an aggregated one. */
type RoundStatus = 'open' | 'aggregated' | 'abandoned' | 'refused';

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
  /** Serialises concurrent writers on one round (a no-op where the transaction already does).
   *  Where instances share the store, a round another instance closed meanwhile makes the whole
   *  transaction run again, from the new state. */
  lockRound(id: number): Promise<void>;
  createRound(row: Omit<RoundRow, 'id'>): Promise<RoundRow>;
  /** Takes one of the round's `cohort` places for the upload `token` (stored in this transaction
   *  by insertUpdate); false when none is left. Uploads admitted by several instances at once
   *  never exceed the cohort, without waiting for each other; a round closed meanwhile re-runs the
   *  transaction, as lockRound does. */
  admit(round: number, cohort: number, token: string): Promise<boolean>;
  closeRound(id: number, status: Exclude<RoundStatus, 'open'>, at: number): Promise<void>;
  /** False when the token was used before (in any round). */
  insertUpdate(round: number, token: string, payload: Uint8Array, at: number): Promise<boolean>;
  countUpdates(round: number): Promise<number>;
  updates(round: number): Promise<Uint8Array[]>;
  /** The tokens (report ids) of a round's stored uploads, in order. */
  uploadTokens(round: number): Promise<string[]>;
  /** One stored upload by its token, while its round keeps it. */
  upload(token: string): Promise<{ round: number; payload: Uint8Array } | null>;
  /** Deletes one upload (a report the helper refused); its token stays used. */
  deleteUpload(token: string): Promise<void>;
  /** A report's digest, kept for good, so that a resent report is recognised after its round closed. */
  reportDigest(token: string): Promise<{ round: number; sha256: string } | null>;
  insertReportDigest(token: string, round: number, sha256: string): Promise<void>;
  /** Stored uploads whose sealed seeds the helper has not yet acknowledged, oldest first. */
  unforwarded(round: number, limit: number): Promise<{ token: string; payload: Uint8Array }[]>;
  markForwarded(tokens: readonly string[]): Promise<void>;
  /** Small named values (the helper's last configuration, a round's ring width). */
  meta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
  /** Individual updates are deleted once aggregated: only the noisy aggregate is kept. */
  deleteUpdates(round: number): Promise<void>;
  /** The server optimizer's state after publishing `version` (null: none, e.g. plain FedAvg). */
  optimizerState(version: string): Promise<Uint8Array | null>;
  /** Keeps `state` as the state after `version`; only the latest version's state is kept. */
  saveOptimizerState(version: string, state: Uint8Array): Promise<void>;
  /** Rounds that released a noisy aggregate (aggregated or refused): what the ledger charges. */
  aggregatedRounds(): Promise<Pick<RoundRow, 'samplingRate' | 'noiseMultiplier'>[]>;
  bump(counter: string, by?: number): Promise<void>;
  counters(): Promise<Record<string, number>>;
}

export interface FlStore {
  /** Whether several server instances may share this store (PostgreSQL), or it is one process's (SQLite). */
  readonly shared: boolean;
  transaction<T>(fn: (tx: FlTx) => Promise<T>): Promise<T>;
  close(): void;
}
