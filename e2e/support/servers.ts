// Where the e2e servers listen: the demo everyone uses, and a second one whose federated-learning
// state only e2e/federated.spec.ts touches (playwright.config.ts starts both).
export const PORT = Number(process.env.E2E_PORT ?? 4173);
export const BASE_URL = `http://localhost:${PORT}`;
export const FL_PORT = Number(process.env.E2E_FL_PORT ?? PORT + 1);
export const FL_BASE_URL = `http://localhost:${FL_PORT}`;
