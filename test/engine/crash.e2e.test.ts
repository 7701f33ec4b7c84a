// Slow end-to-end: SIGKILL an apply of 100 fake nodes half-way, restart on the same SQLite file, and check
// nothing recorded was lost, no node is stuck, and applying again converges.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Engine } from '../../engine/engine.js';
import { TRANSIENT_STATES } from '../../engine/states.js';
import { BUILTIN_DRIVERS, quietLog, tempDir } from './helpers.js';

const child = join(import.meta.dirname, 'fixtures', 'apply-child.mjs');
const built = join(import.meta.dirname, '..', '..', 'dist', 'engine', 'engine.js');

describe('crash during apply (slow)', () => {
  it.each([120, 380])('SIGKILL after %i of 450 actions of an apply of 100 nodes: restart recovers, nothing lost, nothing stuck, re-apply converges', async (killAt) => {
    expect(existsSync(built), 'the child process runs the built engine: run `npm run build` first (npm test does)').toBe(true);
    const { dir, cleanup } = tempDir();
    const db = join(dir, 'ironplan.db');
    try {
      const proc = spawn(process.execPath, [child, db, dir, '100'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      await new Promise<void>((resolve, reject) => {
        proc.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = out.match(/done (\d+)\n(?![\s\S]*done)/);
          if (m && Number(m[1]) >= killAt) {
            proc.kill('SIGKILL');
            resolve();
          }
        });
        proc.on('exit', () => reject(new Error(`child exited before it could be killed:\n${out.slice(-500)}`)));
      }).catch((e) => {
        throw e;
      });
      await new Promise((r) => proc.once('exit', r));
      expect(out).not.toContain('result');

      // The file itself is sound, and nothing recorded before the crash is gone.
      const raw = new Database(db, { readonly: true });
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      const created = raw.prepare(`select count(*) c from events where type = 'node' and verb = 'create'`).get() as { c: number };
      const nodes = raw.prepare('select count(*) c from nodes').get() as { c: number };
      const portsCreated = raw.prepare(`select count(*) c from events where type = 'port' and verb = 'create'`).get() as { c: number };
      const ports = raw.prepare('select count(*) c from ports').get() as { c: number };
      const running = raw.prepare(`select count(*) c from apply_actions where status = 'running'`).get() as { c: number };
      const pending = raw.prepare(`select count(*) c from apply_actions where status = 'pending'`).get() as { c: number };
      raw.close();
      expect(nodes.c).toBe(created.c);
      expect(ports.c).toBe(portsCreated.c);
      // The kill did land mid-apply: actions were running and others had not started.
      expect(running.c).toBeGreaterThan(0);
      expect(pending.c).toBeGreaterThan(0);

      const engine = await Engine.open({ database: db, settings: { stateDir: dir, deployCallbackTimeoutSec: 30 }, log: quietLog, drivers: BUILTIN_DRIVERS, powerSyncIntervalSec: 0, scanDriverPackages: false });
      try {
        const after = await engine.nodes.listNodes();
        expect(after.filter((n) => n.reservation !== null)).toEqual([]);
        expect(after.filter((n) => TRANSIENT_STATES.includes(n.provision_state)).map((n) => `${n.name}:${n.provision_state}`)).toEqual([]);
        const applies = await engine.store.listApplies({});
        expect(applies.map((a) => a.status)).toEqual(['interrupted']);
        // What was running when the process died failed; what never started says so, not "failed".
        const actions = await engine.store.listApplyActions(applies[0]!.id);
        const count = (s: string) => actions.filter((a) => a.status === s).length;
        expect(count('failed')).toBe(running.c);
        expect(count('not run')).toBe(pending.c);
        expect(actions.filter((a) => a.status === 'not run').every((a) => /not started/.test(a.error ?? ''))).toBe(true);

        const plan = await engine.makePlan();
        expect(plan.actions.length).toBeGreaterThan(0);
        const { done } = await engine.applyPlan(plan.id, { concurrency: 16 });
        const result = await done;
        expect(result.actions.filter((a) => a.status !== 'done')).toEqual([]);
        const final = await engine.nodes.listNodes();
        expect(final).toHaveLength(100);
        expect(final.filter((n) => n.provision_state === 'active')).toHaveLength(50);
        expect(final.filter((n) => n.provision_state === 'available')).toHaveLength(50);
        expect((await engine.makePlan()).actions).toEqual([]);
      } finally {
        await engine.close();
      }
    } finally {
      cleanup();
    }
  });
});
