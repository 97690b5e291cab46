import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, WEBGPU_ARGS } from './e2e/chromium.ts';
import { BASE_URL, FL_BASE_URL, FL_HELPER_DB, FL_HELPER_PORT, FL_HELPER_PROXY_PORT, FL_HELPER_TRAFFIC, FL_LEADER_DB, FL_PORT, PORT } from './e2e/support/servers.ts';

export { BASE_URL };

// Playwright empties test-results/ before it starts the servers, so each run gets fresh databases.
// The main server's cohort stays at its default (more uploads than a run makes): its published
// model never changes under the other specs. The rate limit is raised because every page of a run
// comes from one address.
const MAIN_FL = { FL_DB: 'test-results/fl-main.db', FL_UPLOADS_PER_MINUTE: '10000' };
// `npm start` runs the demo's leader and helper (server/demo.ts), the helper's database beside
// FL_DB. The federated spec's aggregators run as separate servers below, the leader reaching the
// helper through a recording proxy, so the spec sees every byte the helper receives. They
// aggregate as soon as two shoppers have contributed (K = 2). Population = the shoppers a full run
// has (4 in the webgpu project, 2 in the other), so the reported ε is not understated; with the
// default noise, a run's 3 rounds spend ε ≈ 4.6 of the default budget of 8. The server step is
// plain FedAvg (sgd), so the spec can read the released mean back from the published weights.
const TEST_FL = { FL_COHORT: '2', FL_POPULATION: '6', FL_UPLOADS_PER_MINUTE: '10000', FL_HELPER_TOKEN: 'e2e-leader', FL_AGGREGATION: 'two-aggregator' };
const TEST_LEADER = { ...TEST_FL, FL_DB: FL_LEADER_DB, FL_ROLE: 'leader', FL_HELPER_URL: `http://127.0.0.1:${FL_HELPER_PROXY_PORT}`, FL_HELPER_RETRY_SECONDS: '0.5', FL_SERVER_OPTIMIZER: 'sgd' };
const TEST_HELPER = { ...TEST_FL, FL_DB: FL_HELPER_DB, FL_ROLE: 'helper', HOST: '127.0.0.1' };

// The same specs run twice: in Chromium with WebGPU (SwiftShader) and with it off, where the
// widget must fall back to WebGL or CPU.
export default defineConfig({
  testDir: 'e2e',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: { baseURL: BASE_URL, trace: 'off' },
  webServer: [
    {
      command: 'npm start',
      url: `${BASE_URL}/api/candidates?slot=health&limit=1`,
      env: { PORT: String(PORT), ...MAIN_FL },
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: 'npx tsx server/main.ts',
      url: `http://127.0.0.1:${FL_HELPER_PORT}/api/fl/helper/config`,
      env: { PORT: String(FL_HELPER_PORT), ...TEST_HELPER },
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: 'npx tsx e2e/support/recording-proxy.ts',
      url: `http://127.0.0.1:${FL_HELPER_PROXY_PORT}/api/fl/helper/config`,
      env: { PROXY_PORT: String(FL_HELPER_PROXY_PORT), TARGET: `http://127.0.0.1:${FL_HELPER_PORT}`, OUT: FL_HELPER_TRAFFIC },
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // Started after the first one, which has built dist/ by the time it answers. With
      // FL_HELPER_URL set, `npm run serve` starts the leader alone.
      command: 'npm run serve',
      url: `${FL_BASE_URL}/api/fl/status`,
      env: { PORT: String(FL_PORT), ...TEST_LEADER },
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
  projects: [
    {
      name: 'webgpu',
      use: { browserName: 'chromium', launchOptions: { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...WEBGPU_ARGS] } },
    },
    {
      name: 'no-webgpu',
      use: { browserName: 'chromium', launchOptions: { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--disable-features=WebGPU'] } },
    },
  ],
});
