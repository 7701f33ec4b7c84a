// `npm run lab`: one full cycle of the emulated lab, with the time of each phase.
import { runLabCycle } from './cycle.js';

const keep = process.argv.includes('--keep');
// --split: `ironplan api` + `ironplan manager` processes on PostgreSQL (the deploy cycle only).
const split = process.argv.includes('--split');
const clean = !split && !process.argv.includes('--no-clean');
runLabCycle({ keep, split, clean, inspect: clean && !process.argv.includes('--no-inspect') }).then(
  (r) => {
    process.stdout.write(`lab: OK, the deployed image printed ${r.marker}\n`);
  },
  (err: unknown) => {
    process.stderr.write(`lab: FAILED: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
