// Entry point: `npx tsx server/main.ts` (PORT, HOST from the environment).
import { createApp } from './app';
import { listen } from './listen';

const port = Number(process.env.PORT ?? 4173);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be an integer 0-65535, got "${process.env.PORT}"`);
  process.exit(1);
}

const app = createApp();
const running = await listen(app, port, process.env.HOST || undefined).catch((error: Error) => {
  console.error(`Shelfwise demo could not listen on port ${port}: ${error.message}`);
  process.exit(1);
});
console.log(`Shelfwise demo on http://localhost:${running.port}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void running.close().then(() => process.exit(0));
  });
}
