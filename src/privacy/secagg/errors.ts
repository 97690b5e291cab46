// One error type for everything an aggregator refuses, so a server can answer 4xx with the code and
// the message and count nothing, and never has to tell a refusal apart from a crash by its text.

export type SecAggErrorCode =
  | 'malformed' // not a report at all: too short, wrong magic or version, bad lengths
  | 'wrong-size' // well formed, but not the size the round expects
  | 'wrong-round' // another round or model version than the one being collected
  | 'unknown-key' // an HPKE key id the helper does not hold (or no longer accepts)
  | 'decrypt-failed' // the sealed seed does not open: tampered ciphertext, key or associated data
  | 'bad-config'; // an HPKE configuration or key file that cannot be used

export class SecAggError extends Error {
  constructor(
    readonly code: SecAggErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SecAggError';
  }
}

export const refuse = (code: SecAggErrorCode, message: string): never => {
  throw new SecAggError(code, message);
};
