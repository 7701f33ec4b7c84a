import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../engine/errors.js';
import { DriverError } from '../../drivers/types.js';
import { ManagerUnreachable, rpcCall, startRpcServer } from '../../engine/rpc/jsonrpc.js';

let server: Awaited<ReturnType<typeof startRpcServer>>;
const SECRET = 's3cret-for-tests';
beforeAll(async () => {
  server = await startRpcServer({
    host: '127.0.0.1',
    port: 0,
    secret: SECRET,
    methods: {
      echo: async (p) => p,
      locked: async () => {
        throw new EngineError('NodeLocked', 'Node n1 is locked by host m1', undefined);
      },
      driver: async () => {
        throw new DriverError('InvalidParameterValue', 'driver_info.ipmi_address is bad', 'ipmi_address');
      },
      crash: async () => {
        throw new TypeError('boom');
      },
      slow: () => new Promise((r) => setTimeout(() => r('late'), 2000)),
    },
  });
});
afterAll(async () => server.app.close());

describe('JSON-RPC between the API and a manager', () => {
  it('calls a method with by-name params', async () => {
    expect(await rpcCall(server.url, SECRET, 'echo', { a: 1, b: [2] }, 5000)).toEqual({ a: 1, b: [2] });
  });

  it('refuses a call without the shared secret, before dispatch', async () => {
    await expect(rpcCall(server.url, 'wrong', 'echo', {}, 5000)).rejects.toMatchObject({ code: 'Forbidden' });
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'echo', params: {} }) });
    expect(res.status).toBe(401);
  });

  it('brings the manager\'s errors back as they were raised: code, message and field', async () => {
    await expect(rpcCall(server.url, SECRET, 'locked', {}, 5000)).rejects.toMatchObject({ code: 'NodeLocked', status: 409, message: 'Node n1 is locked by host m1' });
    await expect(rpcCall(server.url, SECRET, 'driver', {}, 5000)).rejects.toMatchObject({ code: 'DriverError', status: 400, field: 'ipmi_address' });
    const crash = await rpcCall(server.url, SECRET, 'crash', {}, 5000).catch((e: unknown) => e);
    expect(crash).not.toBeInstanceOf(EngineError);
    expect(String(crash)).toContain('boom');
    await expect(rpcCall(server.url, SECRET, 'nope', {}, 5000)).rejects.toThrow(/no RPC method "nope"/);
    await expect(rpcCall(server.url, SECRET, 'toString', {}, 5000)).rejects.toThrow(/no RPC method/);
  });

  it('a manager that does not answer in time, or at all, is unreachable (the caller may re-route)', async () => {
    await expect(rpcCall(server.url, SECRET, 'slow', {}, 200)).rejects.toBeInstanceOf(ManagerUnreachable);
    const closed = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const port = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(port));
      });
    });
    await expect(rpcCall(`http://127.0.0.1:${closed}/rpc`, SECRET, 'echo', {}, 2000)).rejects.toMatchObject({ name: 'ManagerUnreachable', message: expect.stringContaining('ECONNREFUSED') });
  });
});
