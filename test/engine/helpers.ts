import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Engine, type EngineConfig } from '../../engine/engine.js';
import type { Logger } from '../../drivers/types.js';
import { BUILTIN_DRIVERS } from '../../engine/cli/compose.js';

// The engine loads no drivers of its own: tests compose it as the CLI does.
export { BUILTIN_DRIVERS };

export const quietLog = pino({ level: 'silent' }) as unknown as Logger;

export function tempDir(prefix = 'ironplan-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An engine on a real SQLite file in a fresh directory. */
export async function openTestEngine(over: Partial<EngineConfig> = {}): Promise<{ engine: Engine; dir: string; close: () => Promise<void> }> {
  const { dir, cleanup } = tempDir();
  const engine = await Engine.open({
    database: join(dir, 'ironplan.db'),
    settings: { stateDir: dir, deployCallbackTimeoutSec: 30 },
    log: quietLog,
    drivers: BUILTIN_DRIVERS,
    powerSyncIntervalSec: 0,
    deadlineCheckIntervalMs: 100,
    scanDriverPackages: false,
    ...over,
  });
  return {
    engine,
    dir,
    close: async () => {
      await engine.close();
      cleanup();
    },
  };
}

export const SHA = `sha256:${'a'.repeat(64)}`;
