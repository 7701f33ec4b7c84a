// The ironplan service for the benchmark: in-memory-free SQLite in a temp dir, a free 127.0.0.1 port,
// the URL printed on stdout. Bundled by run.mjs so the benchmark does not depend on `npm run build`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Engine } from '../../engine/engine.js';
import { buildServer } from '../../engine/http/server.js';
import { BUILTIN_DRIVERS } from '../../engine/cli/compose.js';
import type { Logger } from '../../drivers/types.js';

const dir = mkdtempSync(join(tmpdir(), 'ironplan-bench-'));
const engine = await Engine.open({
  database: join(dir, 'ironplan.db'),
  settings: { stateDir: dir },
  log: pino({ level: 'silent' }) as unknown as Logger,
  powerSyncIntervalSec: 0,
  drivers: BUILTIN_DRIVERS,
  scanDriverPackages: false,
});
const app = await buildServer(engine, { logger: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const addr = app.server.address();
process.stdout.write(`http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}\n`);
const stop = async () => {
  await app.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
