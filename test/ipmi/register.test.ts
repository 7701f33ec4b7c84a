import { describe, expect, it } from 'vitest';
import type { DriverRegistrar, InterfaceKind } from '../../drivers/types.js';
import { register } from '../../drivers/ipmi/index.js';
import { KeyedSerializer } from '../../drivers/ipmi/keyed-serializer.js';

describe('ipmi driver module', () => {
  it('registers the ipmitool power and management interfaces, with the driver_info schema', () => {
    const registered: Array<{ kind: InterfaceKind; name: string; schema: unknown }> = [];
    const registry: DriverRegistrar = {
      registerInterface: (kind, impl) => void registered.push({ kind, name: impl.name, schema: impl.driverInfoSchema }),
      registerHardwareType: () => {
        throw new Error('the ipmi module must not register hardware types');
      },
    };
    register(registry);
    expect(registered.map(({ kind, name }) => `${kind}:${name}`)).toEqual(['power:ipmitool', 'management:ipmitool']);
    for (const { schema } of registered) expect(schema).toMatchObject({ title: 'IpmiDriverInfo' });
  });

  it('serializes jobs per key and runs different keys concurrently', async () => {
    const serializer = new KeyedSerializer();
    const order: string[] = [];
    const job = (label: string, ms: number) => () =>
      new Promise<void>((done) => {
        order.push(`start ${label}`);
        setTimeout(() => {
          order.push(`end ${label}`);
          done();
        }, ms);
      });
    await Promise.all([serializer.run('a', job('a1', 30)), serializer.run('a', job('a2', 1)), serializer.run('b', job('b1', 1))]);
    expect(order.indexOf('start a2')).toBeGreaterThan(order.indexOf('end a1'));
    expect(order.indexOf('end b1')).toBeLessThan(order.indexOf('end a1'));
    expect(serializer.busyKeys()).toEqual([]);
  });
});
