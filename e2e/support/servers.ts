// Where the e2e servers listen: the demo everyone uses, and a second one whose federated-learning
// state only e2e/federated.spec.ts touches (playwright.config.ts starts both), with its helper
// aggregator and the recording proxy the leader reaches the helper through.
export const PORT = Number(process.env.E2E_PORT ?? 4173);
export const BASE_URL = `http://localhost:${PORT}`;
export const FL_PORT = Number(process.env.E2E_FL_PORT ?? PORT + 1);
export const FL_BASE_URL = `http://localhost:${FL_PORT}`;
export const FL_HELPER_PORT = FL_PORT + 2;
export const FL_HELPER_PROXY_PORT = FL_PORT + 3;
/** Every exchange between the federated spec's leader and helper (e2e/support/recording-proxy.ts). */
export const FL_HELPER_TRAFFIC = 'test-results/fl-helper-traffic.jsonl';
export const FL_LEADER_DB = 'test-results/fl-federated.db';
export const FL_HELPER_DB = 'test-results/fl-federated-helper.db';
