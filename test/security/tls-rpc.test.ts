// Manager JSON-RPC over mutual TLS: a client with a certificate from the managers' CA is answered; one
// without a certificate, or with a stranger's, is refused in the handshake; a client trusting another CA
// fails with a message saying so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rpcCall, startRpcServer, useRpcClientTls } from '../../engine/rpc/jsonrpc.js';
import { makePki, type Pki } from '../support/pki.js';

const SECRET = 'rpc-secret-0123456789abcdef';

describe('manager RPC over mutual TLS', () => {
  let dir: string;
  let pki: Pki;
  let server: Awaited<ReturnType<typeof startRpcServer>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ironplan-tls-rpc-'));
    pki = makePki(dir);
    server = await startRpcServer({ host: '127.0.0.1', port: 0, secret: SECRET, methods: { echo: async (p) => p }, tls: { cert: pki.cert, key: pki.key, clientCa: pki.ca } });
  });
  afterAll(async () => {
    useRpcClientTls(undefined);
    await server?.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on https and answers a client presenting a certificate from its CA', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/rpc$/);
    useRpcClientTls({ ca: pki.ca, cert: pki.cert, key: pki.key });
    expect(await rpcCall(server.url, SECRET, 'echo', { a: 1 }, 5000)).toEqual({ a: 1 });
  });

  it('refuses a client without a certificate, or with one from another CA', async () => {
    useRpcClientTls({ ca: pki.ca });
    await expect(rpcCall(server.url, SECRET, 'echo', {}, 5000)).rejects.toThrow(/closed the TLS connection; it requires a client certificate/);
    useRpcClientTls({ ca: pki.ca, cert: pki.strangerCert, key: pki.strangerKey });
    await expect(rpcCall(server.url, SECRET, 'echo', {}, 5000)).rejects.toThrow(/closed the TLS connection; it requires a client certificate/);
  });

  it('a client trusting the wrong CA fails, saying the certificate is not from a trusted CA', async () => {
    useRpcClientTls({ ca: pki.otherCa, cert: pki.cert, key: pki.key });
    await expect(rpcCall(server.url, SECRET, 'echo', {}, 5000)).rejects.toThrow(/not issued by a trusted CA/);
  });

  it('plain http to the https listener gets no answer', async () => {
    useRpcClientTls(undefined);
    await expect(rpcCall(server.url.replace('https:', 'http:'), SECRET, 'echo', {}, 5000)).rejects.toThrow(/did not answer/);
  });
});
