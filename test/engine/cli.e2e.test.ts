// The `ironplan` command as a person runs it: plan exit codes, apply with progress, node operations.
import { describe, it, expect, afterAll } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { existsSync, writeFileSync } from 'node:fs';
import { tempDir } from './helpers.js';
import { freeTcpPort } from '../../lab/ports.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'ironplan.js');
const { dir, cleanup } = tempDir();
afterAll(cleanup);
const db = join(dir, 'cli.db');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, IRONPLAN_LOG_LEVEL: 'silent' } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('ironplan CLI (slow: runs the built command)', () => {
  it('is built', () => expect(existsSync(join(root, 'dist', 'engine', 'cli', 'main.js')), 'run npm run build first (npm test does)').toBe(true));

  it('plan shows the changes and exits 2 with --detailed-exitcode; apply makes them; plan then exits 0', async () => {
    const fleet = join(dir, 'fleet.yaml');
    writeFileSync(
      fleet,
      [
        'nodes:',
        '  - { name: c1, driver: fake-hardware, resource_class: s, ports: [{ address: "52:54:00:00:09:01" }] }',
        '  - { name: c2, driver: fake-hardware, resource_class: s, power_state: power on }',
        'deployments:',
        `  - { name: app, node_selector: { resource_class: s }, image_source: "http://img/a.raw", image_checksum: "sha256:${'1'.repeat(64)}" }`,
      ].join('\n'),
    );
    const plan = await run(['plan', '-f', fleet, '--db', db, '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('+ enroll node "c1"');
    expect(plan.stdout).toContain('+ deploy deployment "app"');
    expect(plan.stdout).toMatch(/Plan: 3 to add, \d+ to change, 0 to destroy/);

    const apply = await run(['apply', '-f', fleet, '--db', db, '--auto-approve']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toContain('deployment.app: deploy complete after');
    expect(apply.stdout).toContain('Apply complete!');

    const again = await run(['plan', '-f', fleet, '--db', db, '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes');
  });

  it('apply without a terminal and without --auto-approve refuses', async () => {
    const fleet = join(dir, 'one.yaml');
    writeFileSync(fleet, 'nodes:\n  - { name: solo, driver: fake-hardware }\n');
    const r = await run(['apply', '-f', fleet, '--db', join(dir, 'other.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--auto-approve');
  });

  it('a bad fleet file is an error that names the field', async () => {
    const fleet = join(dir, 'bad.yaml');
    writeFileSync(fleet, 'nodes:\n  - { name: bad, driver: fake-hardware, power_state: sideways }\n');
    const r = await run(['plan', '-f', fleet, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nodes.0.power_state');
  });

  it('with --endpoint, plan, apply and node operations go through a running `ironplan serve`', async () => {
    const port = await freeTcpPort();
    const server = spawn(process.execPath, [bin, 'serve', '--port', String(port), '--db', join(dir, 'served.db'), '--state-dir', join(dir, 'served')], {
      cwd: dir,
      env: { ...process.env, IRONPLAN_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    try {
      const endpoint = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 100; i++) {
        if (await fetch(`${endpoint}/v1`).then((r) => r.ok, () => false)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const fleet = join(dir, 'remote.yaml');
      writeFileSync(fleet, 'nodes:\n  - { name: r1, driver: fake-hardware, power_state: power on }\n');
      const plan = await run(['plan', '-f', fleet, '--endpoint', endpoint, '--detailed-exitcode']);
      expect(plan.code, plan.stderr).toBe(2);
      const apply = await run(['apply', '-f', fleet, '--endpoint', endpoint, '--auto-approve']);
      expect(apply.code, apply.stderr).toBe(0);
      expect(apply.stdout).toContain('Apply complete!');
      expect((await run(['node', 'list', '--endpoint', endpoint])).stdout).toMatch(/r1\s+fake-hardware\s+power on\s+available/);
      expect((await run(['node', 'power', 'r1', 'off', '--endpoint', endpoint])).code).toBe(0);
      const drift = await run(['plan', '-f', fleet, '--endpoint', endpoint, '--detailed-exitcode']);
      expect(drift.code).toBe(2);
      expect(drift.stdout).toContain('power_state: "power off" -> "power on"');
      // A manual clean through the API (which requires clean_steps) from the CLI's default steps.
      expect((await run(['node', 'provision', 'r1', 'manage', '--endpoint', endpoint])).code).toBe(0);
      const clean = await run(['node', 'provision', 'r1', 'clean', '--endpoint', endpoint]);
      expect(clean.code, clean.stderr).toBe(0);
    } finally {
      server.kill('SIGTERM');
    }
  });

  it('node list, show, power and provision work on the embedded database', async () => {
    const list = await run(['node', 'list', '--db', db]);
    expect(list.stdout).toMatch(/c1\s+fake-hardware/);
    const power = await run(['node', 'power', 'c1', 'on', '--db', db]);
    expect(power.stdout).toContain('c1: power on');
    const show = JSON.parse((await run(['node', 'show', 'c1', '--db', db])).stdout);
    expect(show.power_state).toBe('power on');
    const created = await run(['node', 'create', 'c3', '--driver', 'fake-hardware', '--db', db]);
    expect(JSON.parse(created.stdout).provision_state).toBe('enroll');
    const manage = await run(['node', 'provision', 'c3', 'manage', '--db', db]);
    expect(manage.stdout).toContain('c3: manageable');
    const bad = await run(['node', 'provision', 'c3', 'deploy', '--db', db]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('while it is in state "manageable"');
    // Manual cleaning: the erase by default (the simulated agent answers), or the steps given.
    expect((await run(['node', 'provision', 'c3', 'clean', '--db', db])).stdout).toContain('c3: manageable');
    expect((await run(['node', 'provision', 'c3', 'clean', '--clean-steps', '[]', '--db', db])).stdout).toContain('c3: manageable');
    const shred = await run(['node', 'provision', 'c3', 'clean', '--clean-steps', '[{"interface":"deploy","step":"erase_devices"}]', '--db', db]);
    expect(shred.code).toBe(1);
    expect(shred.stderr).toContain('clean_steps[0]: step "erase_devices" of interface "deploy" is not supported');
    const notJson = await run(['node', 'provision', 'c3', 'clean', '--clean-steps', 'erase', '--db', db]);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('clean-steps: not JSON');
  });
});
