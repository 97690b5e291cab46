// The leave-last-out split of the sequential-recommendation literature (SASRec, S3-Rec, ICLRec):
// per user, in time order, the last event is the test target, the one before it the validation
// target, and the rest is training data. Users with fewer than 3 events are skipped.
import type { Sequence } from '../../src/model/plain/batch';
import type { UserHistory } from './dataset';

export interface Case {
  userId: string;
  /** What the model may read: the events before the target. */
  history: Sequence;
  target: number;
}

export interface Split {
  train: Sequence[];
  valid: Case[];
  test: Case[];
  skippedUsers: number;
}

const MIN_EVENTS = 3;

export function leaveLastOut(users: readonly UserHistory[]): Split {
  const split: Split = { train: [], valid: [], test: [], skippedUsers: 0 };
  for (const u of users) {
    const n = u.items.length;
    if (n < MIN_EVENTS) {
      split.skippedUsers++;
      continue;
    }
    split.train.push(prefix(u, n - 2));
    split.valid.push({ userId: u.userId, history: prefix(u, n - 2), target: u.items[n - 2] });
    split.test.push({ userId: u.userId, history: prefix(u, n - 1), target: u.items[n - 1] });
  }
  return split;
}

function prefix(u: UserHistory, n: number): Sequence {
  return { items: u.items.subarray(0, n), types: u.types.subarray(0, n) };
}
