// The one HTTP client against the lab BMC: sessions reused and renewed, attempts on 5xx, If-Match where
// the BMC asks for it, and errors an operator can act on (wrong password, BMC unreachable).
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { startLab, type RedfishLab } from './helpers.js';

let lab: RedfishLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

describe('redfish client', () => {
  it('logs in once and reuses the session over keep-alive connections', async () => {
    lab = await startLab();
    const task = lab.task();
    for (let i = 0; i < 5; i++) await lab.power.getPowerState(task);
    expect(lab.bmc.stats.logins).toBe(1);
  });

  it('concurrent calls share one login; closing the client logs out', async () => {
    lab = await startLab();
    const task = lab.task();
    await Promise.all(Array.from({ length: 8 }, () => lab!.power.getPowerState(task)));
    expect(lab.bmc.stats.logins).toBe(1);
    expect(lab.bmc.openSessions()).toBe(1);
    await lab.client.close();
    expect(lab.bmc.openSessions()).toBe(0);
  });

  it('logs in again when the BMC has expired the session', async () => {
    lab = await startLab();
    const task = lab.task();
    await lab.power.getPowerState(task);
    lab.bmc.expireSessions();
    expect(await lab.power.getPowerState(task)).toBe('power off');
    expect(lab.bmc.stats.logins).toBe(2);
  });

  it('logs in again after an idle timeout the BMC enforces', async () => {
    lab = await startLab({ sessionIdleMs: 250 });
    const task = lab.task();
    await lab.power.getPowerState(task);
    await new Promise((r) => setTimeout(r, 400));
    await lab.power.setPowerState(task, 'power on');
    expect(lab.machine.state).toBe('On');
    expect(lab.bmc.stats.logins).toBe(2);
  });

  it('uses basic auth when asked to', async () => {
    lab = await startLab();
    const task = lab.task({ redfish_auth_type: 'basic' });
    await lab.power.getPowerState(task);
    expect(lab.bmc.stats.logins).toBe(0);
  });

  it('works with a session-only BMC and refuses basic there with a clear error', async () => {
    lab = await startLab({ profile: { auth: 'session' } });
    expect(await lab.power.getPowerState(lab.task({ redfish_auth_type: 'session' }))).toBe('power off');
    await expect(lab.power.getPowerState(lab.task({ redfish_auth_type: 'basic' }))).rejects.toMatchObject({ code: 'BmcAuthFailed' });
  });

  it('falls back to basic auth (auto) on a BMC without sessions', async () => {
    lab = await startLab({ profile: { auth: 'basic' } });
    expect(await lab.power.getPowerState(lab.task())).toBe('power off');
    expect(lab.bmc.stats.logins).toBe(0);
  });

  it('answers 500 twice, then succeeds: the call is attempted again', async () => {
    lab = await startLab();
    const task = lab.task();
    await lab.power.getPowerState(task);
    lab.bmc.failNext(2, 500);
    await lab.power.setPowerState(task, 'power on');
    expect(lab.machine.state).toBe('On');
  });

  it('gives up after redfish_connection_attempts and names the BMC message', async () => {
    lab = await startLab();
    const task = lab.task({ redfish_connection_attempts: 2 });
    await lab.power.getPowerState(task);
    lab.bmc.failNext(5, 503);
    await expect(lab.power.getPowerState(task)).rejects.toThrow(/HTTP 503: The request failed due to an internal service error/);
  });

  it('sends If-Match with the ETag when the BMC insists (428), and the change lands', async () => {
    lab = await startLab({ profile: { requireIfMatch: true } });
    const task = lab.task();
    await lab.management.setBootDevice(task, 'pxe', true);
    expect(lab.bmc.state.boot).toMatchObject({ target: 'Pxe', enabled: 'Continuous' });
    expect(lab.bmc.stats.byRoute.get(`PATCH ${lab.bmc.paths.system}`)).toBe(2);
  });

  it('wrong password: BmcAuthFailed naming the field, the password never shown', async () => {
    lab = await startLab();
    const task = lab.task({ redfish_password: 'not-the-password-xyz' });
    const err = await lab.power.getPowerState(task).catch((e: unknown) => e as Error & { code: string; field: string });
    expect(err).toMatchObject({ code: 'BmcAuthFailed', field: 'redfish_password' });
    expect(err.message).toMatch(/rejected the credentials of user "admin".*Invalid username or password/);
    expect(err.message).not.toContain('not-the-password-xyz');
  });

  it('wrong password with basic auth: the same clear error', async () => {
    lab = await startLab();
    await expect(lab.power.getPowerState(lab.task({ redfish_auth_type: 'basic', redfish_password: 'nope' }))).rejects.toMatchObject({ code: 'BmcAuthFailed' });
  });

  it('BMC unreachable: BmcUnreachable within the attempts and intervals given', async () => {
    lab = await startLab();
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const started = Date.now();
    const err = await lab.power.getPowerState(lab.task({ redfish_address: `127.0.0.1:${port}`, redfish_connection_attempts: 3, redfish_retry_interval: 0.05 })).catch((e: unknown) => e as Error & { code: string });
    expect(err).toMatchObject({ code: 'BmcUnreachable', message: expect.stringMatching(/cannot reach BMC https:\/\/127\.0\.0\.1:\d+ \(3 attempts\): connect ECONNREFUSED/) });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a BMC that never answers: BmcUnreachable after redfish_timeout', async () => {
    lab = await startLab();
    lab.bmc.setLatency(5000);
    const started = Date.now();
    await expect(lab.power.getPowerState(lab.task({ redfish_timeout: 0.3, redfish_connection_attempts: 1, redfish_auth_type: 'basic' }))).rejects.toMatchObject({ code: 'BmcUnreachable', message: expect.stringMatching(/no answer within 0.3s/) });
    expect(Date.now() - started).toBeLessThan(2500);
    lab.bmc.setLatency(0);
  });

  it('verifies the certificate by default, and accepts the BMC certificate as a CA bundle', async () => {
    lab = await startLab();
    await expect(lab.power.getPowerState(lab.task({ redfish_verify_ca: true, redfish_connection_attempts: 1 }))).rejects.toMatchObject({ code: 'BmcUnreachable', message: expect.stringMatching(/SELF_SIGNED|self.signed|DEPTH_ZERO/i) });
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'rf-ca-'));
    try {
      await writeFile(join(dir, 'ca.pem'), lab.bmc.cert!);
      expect(await lab.power.getPowerState(lab.task({ redfish_verify_ca: join(dir, 'ca.pem') }))).toBe('power off');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes "false"/"true" strings (the CLI\'s, terraform\'s) as the booleans; an unreadable CA bundle is said at once, not as an unreachable BMC', async () => {
    lab = await startLab();
    expect(await lab.power.getPowerState(lab.task({ redfish_verify_ca: 'False' }))).toBe('power off');
    await expect(lab.power.getPowerState(lab.task({ redfish_verify_ca: 'true', redfish_connection_attempts: 1 }))).rejects.toMatchObject({ code: 'BmcUnreachable' });
    const started = Date.now();
    await expect(lab.power.getPowerState(lab.task({ redfish_verify_ca: '/nonexistent/ca.pem', redfish_retry_interval: 1 }))).rejects.toMatchObject({
      code: 'InvalidParameterValue',
      field: 'redfish_verify_ca',
      message: expect.stringMatching(/^driver_info\.redfish_verify_ca: cannot read CA bundle \/nonexistent\/ca\.pem/),
    });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('speaks plain http when the address says http://', async () => {
    lab = await startLab({ http: true });
    expect(lab.bmc.address).toMatch(/^http:\/\//);
    await lab.power.setPowerState(lab.task(), 'power on');
    expect(lab.machine.state).toBe('On');
  });

  it('a BMC with several systems: redfish_system_id is required, and used', async () => {
    // A chassis of two blades behind one manager: just enough of its documents, served over plain HTTP.
    const docs: Record<string, object> = {
      '/redfish/v1': { '@odata.id': '/redfish/v1', Systems: { '@odata.id': '/redfish/v1/Systems' } },
      '/redfish/v1/Systems': { Members: [{ '@odata.id': '/redfish/v1/Systems/Blade1' }, { '@odata.id': '/redfish/v1/Systems/Blade2' }] },
      '/redfish/v1/Systems/Blade1': { '@odata.id': '/redfish/v1/Systems/Blade1', PowerState: 'On' },
      '/redfish/v1/Systems/Blade2': { '@odata.id': '/redfish/v1/Systems/Blade2', PowerState: 'Off' },
    };
    const server = createHttpServer((req, res) => {
      const doc = docs[(req.url ?? '').replace(/\/+$/, '')];
      res.writeHead(doc ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(doc ?? {}));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    lab = await startLab();
    try {
      const address = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      await expect(lab.power.getPowerState(lab.task({ redfish_address: address, redfish_auth_type: 'basic' }))).rejects.toMatchObject({
        code: 'MissingParameterValue',
        field: 'redfish_system_id',
        message: expect.stringContaining('has 2 systems (/redfish/v1/Systems/Blade1, /redfish/v1/Systems/Blade2)'),
      });
      expect(await lab.power.getPowerState(lab.task({ redfish_address: address, redfish_auth_type: 'basic', redfish_system_id: 'Blade2' }))).toBe('power off');
      expect(await lab.power.getPowerState(lab.task({ redfish_address: address, redfish_auth_type: 'basic', redfish_system_id: '/redfish/v1/Systems/Blade1' }))).toBe('power on');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('rejects bad driver_info naming the field', async () => {
    lab = await startLab();
    await expect(lab.power.validate(lab.task({ redfish_address: undefined }))).rejects.toMatchObject({ code: 'MissingParameterValue', field: 'redfish_address' });
    await expect(lab.power.validate(lab.task({ redfish_address: 'ftp://bmc' }))).rejects.toMatchObject({ code: 'InvalidParameterValue', field: 'redfish_address' });
    await expect(lab.power.validate(lab.task({ redfish_auth_type: 'digest' }))).rejects.toMatchObject({ field: 'redfish_auth_type' });
    // A password of the wrong type is refused naming the field, and its value is not echoed.
    const badPassword = lab.power.validate(lab.task({ redfish_password: 42 }));
    await expect(badPassword).rejects.toMatchObject({ code: 'InvalidParameterValue', field: 'redfish_password' });
    await expect(badPassword).rejects.not.toThrow(/42/);
  });
});
