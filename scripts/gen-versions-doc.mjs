// Writes the microversions table of engine/http/README.md from engine/http/versions-table.ts (the table
// every version check derives from). `npm run gen:versions` writes it; `--check` exits 1 if it is stale.
// The TypeScript module is bundled in memory with esbuild, so no build of the sources is needed first.
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readmePath = join(root, 'engine/http/README.md');
const check = process.argv.includes('--check');

const bundle = await build({
  entryPoints: [join(root, 'engine/http/versions-doc.ts')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  logLevel: 'warning',
});
const source = bundle.outputFiles[0].text;
const { withVersionsTable } = await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);

const current = await readFile(readmePath, 'utf8');
const next = withVersionsTable(current);
if (check) {
  if (next !== current) {
    console.error('engine/http/README.md: the microversions table is stale (run npm run gen:versions)');
    process.exit(1);
  }
} else if (next !== current) {
  await writeFile(readmePath, next);
  console.log('wrote engine/http/README.md (microversions table)');
} else console.log('engine/http/README.md: the microversions table is up to date');
