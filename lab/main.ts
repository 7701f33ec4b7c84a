// `npm run lab`: one full cycle of the emulated lab, with the time of each phase.
import { runLabCycle } from './cycle.js';

const keep = process.argv.includes('--keep');
// --split: `ironplan api` + `ironplan manager` processes on PostgreSQL (the deploy cycle only).
const split = process.argv.includes('--split');
const clean = !split && !process.argv.includes('--no-clean');
// --uefi: OVMF firmware, a qcow2 image (converted by the manager) and a config drive naming the instance.
const uefi = process.argv.includes('--uefi');
runLabCycle({
  keep,
  split,
  clean,
  inspect: clean && !process.argv.includes('--no-inspect'),
  ...(uefi ? { firmware: 'uefi' as const, qcow2: !split, hostname: 'lab-uefi-1' } : {}),
}).then(
  (r) => {
    process.stdout.write(`lab: OK, the deployed image printed ${r.marker}${r.hostname ? ` and hostname=${r.hostname}` : ''}\n`);
  },
  (err: unknown) => {
    process.stderr.write(`lab: FAILED: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
