import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, WEBGPU_ARGS } from './e2e/chromium.ts';

const PORT = Number(process.env.E2E_PORT ?? 4173);
export const BASE_URL = `http://localhost:${PORT}`;

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
  webServer: {
    command: 'npm start',
    url: `${BASE_URL}/api/candidates?slot=health&limit=1`,
    env: { PORT: String(PORT) },
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
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
