// Slow end-to-end: the emulated lab with ironplan split as an operator scaling out runs it: `ironplan api`
// and `ironplan manager` as separate processes on PostgreSQL, the manager serving its own boot files (the
// API redirects the VM's iPXE to it), the agent's call-backs reaching the manager over the API's RPC.
import { describe, it, expect } from 'vitest';
import { runLabCycle } from '../../lab/cycle.js';
import { hasPostgres } from '../../lab/postgres.js';

if (!hasPostgres) console.warn('\n*** PostgreSQL (initdb) is not on PATH: the split lab is SKIPPED ***\n');

describe.skipIf(!hasPostgres)('emulated lab, API and manager as separate processes (slow)', () => {
  it('deploys an image to a QEMU VM over IPMI + iPXE through `ironplan api` + `ironplan manager`; the VM boots it from its disk', async () => {
    const lines: string[] = [];
    const result = await runLabCycle({ split: true, print: (l) => (lines.push(l), console.log(l)) });
    expect(result.finalState).toBe('active');
    expect(lines.join('\n')).toContain('separate API and manager processes');
    expect(result.cycleSeconds).toBeLessThan(120);
  }, 600_000);
});
