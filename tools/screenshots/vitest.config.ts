// `npm run screenshots`: renders the shelf in real Chromium (themed, mobile, focus, hover, RTL,
// skeleton) and writes PNGs to .cache/screens/ for a person to look at. Not a test: nothing is
// compared, so it stays out of `npm test`.
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM, CHROMIUM_ARGS } from '../../e2e/chromium.ts';

export default defineConfig({
  test: {
    name: 'screenshots',
    root: new URL('../..', import.meta.url).pathname,
    include: ['tools/screenshots/*.shots.tsx'],
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS } }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
