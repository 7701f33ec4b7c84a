// Regenerates one generated section of engine/http/README.md from a TypeScript module's `with…(readme)`
// function (the versions table, the policy table). The module is bundled in memory with esbuild, so no
// build of the sources is needed first. With `--check` it exits 1 if the section is stale.
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readmePath = join(root, 'engine/http/README.md');

/** module: its path from the root; fn: the export rewriting the README; what: the section; command: how to regenerate. */
export async function regenerateSection({ module, fn, what, command }) {
  const bundle = await build({ entryPoints: [join(root, module)], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'warning' });
  const mod = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
  const current = await readFile(readmePath, 'utf8');
  const next = mod[fn](current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error(`engine/http/README.md: the ${what} is stale (run ${command})`);
      process.exit(1);
    }
  } else if (next !== current) {
    await writeFile(readmePath, next);
    console.log(`wrote engine/http/README.md (${what})`);
  } else console.log(`engine/http/README.md: the ${what} is up to date`);
}
