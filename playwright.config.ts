import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, WEBGPU_ARGS } from './e2e/chromium.ts';
import { BASE_URL, FL_BASE_URL, FL_PORT, PORT } from './e2e/support/servers.ts';

export { BASE_URL };

// Playwright empties test-results/ before it starts the servers, so each run gets fresh databases.
// The main server's cohort stays at its default (more uploads than a run makes): its published
// model never changes under the other specs. The rate limit is raised because every page of a run
// comes from one address.
const MAIN_FL = { FL_DB: 'test-results/fl-main.db', FL_UPLOADS_PER_MINUTE: '10000' };
// The federated spec's server aggregates as soon as its two shoppers have contributed (K = 2).
// Population = the shoppers a full run has (4 in the webgpu project, 2 in the other), so the
// reported ε is not understated; with the default noise, a run's 3 rounds spend ε ≈ 5.2 of the
// default budget of 8.
const TEST_FL = { FL_DB: 'test-results/fl-federated.db', FL_COHORT: '2', FL_POPULATION: '6', FL_UPLOADS_PER_MINUTE: '10000' };

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
      // Started after the first one, which has built dist/ by the time it answers.
      command: 'npm run serve',
      url: `${FL_BASE_URL}/api/fl/status`,
      env: { PORT: String(FL_PORT), ...TEST_FL },
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
