// Writes the policy table of engine/http/README.md from engine/http/policy-rules.ts (the rules the API
// checks). `node scripts/gen-policy-doc.mjs` writes it; `--check` exits 1 if it is stale.
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readmePath = join(root, 'engine/http/README.md');
// The TypeScript module bundled in memory, so no build of the sources is needed first.
const bundle = await build({ entryPoints: [join(root, 'engine/http/policy-rules.ts')], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'warning' });
const { withPolicyTable } = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);

const current = await readFile(readmePath, 'utf8');
const next = withPolicyTable(current);
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('engine/http/README.md: the policy table is stale (run node scripts/gen-policy-doc.mjs)');
    process.exit(1);
  }
} else if (next !== current) {
  await writeFile(readmePath, next);
  console.log('wrote engine/http/README.md (policy table)');
} else console.log('engine/http/README.md: the policy table is up to date');
