// `npm run lab`: one full cycle of the emulated lab, with the time of each phase.
import { runLabCycle } from './cycle.js';

const keep = process.argv.includes('--keep');
runLabCycle({ keep, clean: !process.argv.includes('--no-clean'), inspect: !process.argv.includes('--no-clean') && !process.argv.includes('--no-inspect') }).then(
  (r) => {
    process.stdout.write(`lab: OK, the deployed image printed ${r.marker}\n`);
  },
  (err: unknown) => {
    process.stderr.write(`lab: FAILED: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
