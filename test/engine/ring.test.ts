import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { HashRings, type RingMember } from '../../engine/rpc/ring.js';

const member = (id: string, group = '', hardwareTypes = ['fake-hardware']): RingMember => ({ id, group, hardwareTypes });
const nodes = Array.from({ length: 3000 }, () => ({ uuid: randomUUID(), driver: 'fake-hardware', conductor_group: '' }));

describe('hash ring', () => {
  it('spreads nodes over the managers and every node has exactly one owner', () => {
    const ring = new HashRings([member('a'), member('b'), member('c')]);
    const count = new Map<string, number>();
    for (const n of nodes) count.set(ring.owner(n)!, (count.get(ring.owner(n)!) ?? 0) + 1);
    expect([...count.keys()].sort()).toEqual(['a', 'b', 'c']);
    for (const c of count.values()) expect(c).toBeGreaterThan(nodes.length / 3 / 2);
    expect(nodes.every((n) => ['a', 'b', 'c'].filter((m) => ring.owns(m, n)).length === 1)).toBe(true);
  });

  it('moves only the dead manager\'s nodes when one leaves', () => {
    const before = new HashRings([member('a'), member('b'), member('c')]);
    const after = new HashRings([member('a'), member('c')]);
    for (const n of nodes) {
      if (before.owner(n) !== 'b') expect(after.owner(n)).toBe(before.owner(n));
      else expect(['a', 'c']).toContain(after.owner(n));
    }
  });

  it('gives a node only to a manager of its conductor group that has its driver', () => {
    const ring = new HashRings([member('a', 'rack1'), member('b', ''), member('c', '', ['ipmi'])]);
    expect(ring.owner({ uuid: nodes[0]!.uuid, driver: 'fake-hardware', conductor_group: 'rack1' })).toBe('a');
    expect(ring.owner({ uuid: nodes[0]!.uuid, driver: 'fake-hardware', conductor_group: '' })).toBe('b');
    expect(ring.owner({ uuid: nodes[0]!.uuid, driver: 'ipmi' })).toBe('c');
    expect(ring.owner({ uuid: nodes[0]!.uuid, driver: 'ipmi', conductor_group: 'rack1' })).toBeUndefined();
  });
});
