// `npm run lab`: one full cycle of the emulated lab, with the time of each phase. `--redfish`: the cycle
// over Redfish virtual media (UEFI, qcow2, config drive, no network boot; lab/cycle-redfish.ts).
import { runLabCycle } from './cycle.js';
import { runRedfishLabCycle } from './cycle-redfish.js';

const keep = process.argv.includes('--keep');
const redfish = process.argv.includes('--redfish');
// --split: `ironplan api` + `ironplan manager` processes on PostgreSQL (the deploy cycle only).
const split = process.argv.includes('--split');
const clean = !split && !process.argv.includes('--no-clean');
// --uefi: OVMF firmware, a qcow2 image (converted by the manager) and a config drive naming the instance.
const uefi = process.argv.includes('--uefi');
// The redfish node inspects out of band (its default inspect interface): the in-band inspection phase is iPXE's.
const run = redfish
  ? runRedfishLabCycle({ keep, clean })
  : runLabCycle({
      keep,
      split,
      clean,
      inspect: clean && !process.argv.includes('--no-inspect'),
      ...(uefi ? { firmware: 'uefi' as const, qcow2: !split, hostname: 'lab-uefi-1' } : {}),
    });
run.then(
  (r) => {
    process.stdout.write(`lab: OK, the deployed image printed ${r.marker}${r.hostname ? ` and hostname=${r.hostname}` : ''}\n`);
  },
  (err: unknown) => {
    process.stderr.write(`lab: FAILED: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
