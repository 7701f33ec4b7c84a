// API and manager as separate processes on PostgreSQL, their RPC over mutual TLS: the manager listens on
// https and takes only clients with a certificate from the CA; the API (itself HTTPS) reaches it with its
// certificate, so a node created through the API is created by the manager; a caller without a client
// certificate is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin } from '../engine/serve-process.js';
import { hasPostgres, startPostgres, type Postgres } from '../engine/pg.js';
import { freeTcpPort } from '../../lab/ports.js';
import { tlsFetch } from '../../engine/secrets/tls.js';
import { rpcCall, useRpcClientTls } from '../../engine/rpc/jsonrpc.js';
import { makePki, type Pki } from '../support/pki.js';

const SECRET = 'split-rpc-secret-0123456789';

describe.skipIf(!hasPostgres)('API <-> manager RPC over mutual TLS (slow: PostgreSQL, two processes)', () => {
  let pg: Postgres;
  let dir: string;
  let pki: Pki;
  const procs: Array<{ child: ChildProcess; err: () => string }> = [];
  const start = (args: string[]) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, IRONPLAN_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c) => (err += c));
    const p = { child, err: () => err };
    procs.push(p);
    return p;
  };
  const until = async (p: { child: ChildProcess; err: () => string }, text: RegExp) => {
    for (let i = 0; !text.test(p.err()); i++) {
      if (p.child.exitCode !== null || i > 300) throw new Error(`did not start: ${p.err()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return text.exec(p.err())!;
  };

  beforeAll(async () => {
    pg = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'ironplan-tls-split-'));
    pki = makePki(dir);
    writeFileSync(join(dir, 'rpc-secret'), SECRET, { mode: 0o600 });
  }, 60_000);
  afterAll(() => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    useRpcClientTls(undefined);
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the API reaches the manager with its certificate; a caller without one is refused', async () => {
    const shared = ['--db', pg.url, '--rpc-secret-file', join(dir, 'rpc-secret'), '--secrets-key-file', join(dir, 'secrets.key'), '--tls-cert', pki.cert, '--tls-key', pki.key, '--tls-ca', pki.ca];
    const manager = start(['manager', ...shared, '--state-dir', join(dir, 'm'), '--power-sync-interval', '0', '--heartbeat-interval', '1', '--tls-client-ca', pki.ca]);
    const rpcUrl = (await until(manager, /answering RPC on (https:\/\/\S+)/))[1]!;
    const port = await freeTcpPort();
    const api = start(['api', ...shared, '--port', String(port)]);
    await until(api, /API serving on https:/);
    const https = tlsFetch({ ca: pki.ca });
    const headers = { 'x-openstack-ironic-api-version': 'latest', 'content-type': 'application/json' };
    let created: Response | undefined;
    // The API reads the managers every few seconds: the first creates may find none yet.
    for (let i = 0; i < 60; i++) {
      created = await https(`https://127.0.0.1:${port}/v1/nodes`, { method: 'POST', headers, body: JSON.stringify({ name: 'tls-1', driver: 'fake-hardware' }) });
      if (created.status !== 503 && created.status !== 400) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(created!.status, await created!.clone().text()).toBe(201);

    useRpcClientTls({ ca: pki.ca });
    await expect(rpcCall(rpcUrl, SECRET, 'getNode', { ident: 'tls-1' }, 5000)).rejects.toThrow(/requires a client certificate/);
    useRpcClientTls({ ca: pki.otherCa, cert: pki.cert, key: pki.key });
    await expect(rpcCall(rpcUrl, SECRET, 'getNode', { ident: 'tls-1' }, 5000)).rejects.toThrow(/not issued by a trusted CA/);
  }, 120_000);
});
