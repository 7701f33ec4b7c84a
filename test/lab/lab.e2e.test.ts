// Slow end-to-end: the whole emulated lab (QEMU + ipmi_sim + our iPXE/HTTP boot + the ramdisk agent),
// deployed through ironplan's HTTP API. See lab/cycle.ts.
import { describe, it, expect } from 'vitest';
import { LAB_DISK_BYTES, LAB_VM_MEMORY_MB, runLabCycle } from '../../lab/cycle.js';

describe('emulated lab (slow)', () => {
  it('deploys an image to a QEMU VM over IPMI + iPXE; the VM then boots it from its own disk; undeploy cleans it; inspection reads the VM', async () => {
    const lines: string[] = [];
    const result = await runLabCycle({ clean: true, inspect: true, print: (l) => (lines.push(l), console.log(l)) });
    expect(result.finalState).toBe('active');
    // Automated cleaning booted the ramdisk again and the agent erased both ends of the VM's disk.
    expect(result.cleaned).toMatchObject({ state: 'available', diskHeadZero: true, diskTailZero: true });
    // In-band inspection reported what QEMU gives the VM: one CPU, its memory less what the firmware and
    // kernel keep, its 2 GiB disk, x86_64.
    expect(result.inspected?.state).toBe('manageable');
    const props = result.inspected!.properties;
    expect(props).toMatchObject({ cpus: 1, local_gb: LAB_DISK_BYTES / 1024 ** 3, cpu_arch: 'x86_64' });
    expect(props.memory_mb).toBeGreaterThan(LAB_VM_MEMORY_MB * 0.75);
    expect(props.memory_mb).toBeLessThanOrEqual(LAB_VM_MEMORY_MB);
    expect(lines.join('\n')).toContain('full cycle');
    // The reference (bare hand-built lab) took 23-27 s here; CI machines are shared, so the test only
    // guards against a regression by a wide margin. bench figures are printed by `npm run lab`.
    expect(result.cycleSeconds).toBeLessThan(120);
  }, 600_000);
});
