import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../drivers/ipmi/ipmitool-errors.js';
import { parseBootParam5, parsePowerStatus } from '../../drivers/ipmi/parse.js';

// Output captured from ipmitool 1.8.19 (-v) against ipmi_sim and from a name that does not resolve.
const STDERR = {
  wrongPassword: 'Loading IANA PEN Registry...\n> RAKP 2 HMAC is invalid\nError: Unable to establish IPMI v2 / RMCP+ session\n',
  noBmc:
    'Loading IANA PEN Registry...\nGet Auth Capabilities error\nError issuing Get Channel Authentication Capabilities request\nError: Unable to establish IPMI v2 / RMCP+ session\n',
  noSuchHost: 'Address lookup for no-such-host.invalid failed\nCould not open socket!\nError: Unable to establish IPMI v2 / RMCP+ session\n',
};

describe('ipmitool output parsing', () => {
  it('classifies session failures by their verbose detail', () => {
    expect(classifyFailure('b:623', STDERR.wrongPassword, 1, 3)).toMatchObject({ error: { code: 'BmcAuthFailed' }, transient: false });
    const noBmc = classifyFailure('b:623', STDERR.noBmc, 1, 3);
    expect(noBmc).toMatchObject({ error: { code: 'BmcUnreachable' }, transient: true });
    expect(noBmc.error.message).toBe(
      'BMC b:623 is unreachable over IPMI (lanplus): Get Auth Capabilities error; Error issuing Get Channel Authentication Capabilities request; Error: Unable to establish IPMI v2 / RMCP+ session',
    );
    expect(classifyFailure('b:623', STDERR.noSuchHost, 1, 3)).toMatchObject({ error: { code: 'BmcUnreachable' }, transient: true });
    expect(classifyFailure('b:623', 'Invalid chassis command\n', 1, 3)).toMatchObject({ error: { code: 'DriverOperationError' }, transient: false });
  });

  it('reads power status', () => {
    expect(parsePowerStatus('Chassis Power is on\n')).toBe('power on');
    expect(parsePowerStatus('Chassis Power is off\n')).toBe('power off');
    expect(parsePowerStatus('garbage')).toBeNull();
  });

  it('reads boot parameter 5 from its data bytes', () => {
    const out = (data: string) => `Boot parameter version: 1\nBoot parameter 5 is valid/unlocked\nBoot parameter data: ${data}\n`;
    expect(parseBootParam5(out('0004000000'))).toEqual({ boot_device: 'pxe', persistent: false });
    expect(parseBootParam5(out('c008000000'))).toEqual({ boot_device: 'disk', persistent: true });
    expect(parseBootParam5(out('000c000000'))).toEqual({ boot_device: 'safe', persistent: false });
    expect(parseBootParam5(out('0014000000'))).toEqual({ boot_device: 'cdrom', persistent: false });
    expect(parseBootParam5(out('0018000000'))).toEqual({ boot_device: 'bios', persistent: false });
    expect(parseBootParam5(out('0000000000'))).toEqual({ boot_device: null, persistent: false });
    expect(parseBootParam5('nothing')).toBeNull();
  });
});
