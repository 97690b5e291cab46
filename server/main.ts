// Entry point of `npm start`: the demo storefront, the widget's files, the candidate endpoint and
// the federated-learning server on one origin. Configuration: PORT, HOST and the FL_* variables
// (see README "Federated learning").
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createApp } from './app';
import { listen } from './listen';
import { flConfigFromEnv } from './fl/config';
import { openSqliteStore } from './fl/sqlite-store';
import { createFlService } from './fl/service';
import { mountFl } from './fl/routes';

const port = Number(process.env.PORT ?? 4173);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be an integer 0-65535, got "${process.env.PORT}"`);
  process.exit(1);
}

const app = createApp();
const initialModel = path.join(app.options.rootDir, 'models', 'demo');
let fl;
try {
  const cfg = flConfigFromEnv();
  // One database per shipped model: retraining the demo starts federated learning afresh.
  const shipped = JSON.parse(readFileSync(path.join(initialModel, 'model.json'), 'utf8')).version as string;
  const dbPath = process.env.FL_DB || path.join(app.options.rootDir, '.data', `fl-${shipped}.db`);
  fl = { cfg, service: await createFlService({ cfg, store: openSqliteStore(dbPath), initialModel }) };
} catch (error) {
  console.error(`Federated learning could not start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
mountFl(app, fl.service, fl.cfg);

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
