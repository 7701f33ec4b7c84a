// Generates TypeScript types from schemas/ (the single source of truth) into engine/generated/.
// `npm run gen` writes them; `node scripts/gen-types.mjs --check` exits 1 if any file is stale.
import { compileFromFile } from 'json-schema-to-typescript';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = join(root, 'schemas');
const outDir = join(root, 'engine', 'generated');
const check = process.argv.includes('--check');

async function schemaFiles(dir, prefix = '') {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(...(await schemaFiles(join(dir, entry.name), `${prefix}${entry.name}/`)));
    else if (entry.name.endsWith('.schema.json')) out.push(`${prefix}${entry.name}`);
  }
  return out.sort();
}

const banner = '// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.';
const stale = [];
await mkdir(join(outDir, 'drivers'), { recursive: true });
await mkdir(join(outDir, 'common-tier'), { recursive: true });
for (const rel of await schemaFiles(schemaDir)) {
  const file = join(schemaDir, rel);
  const ts = await compileFromFile(file, {
    cwd: schemaDir,
    bannerComment: banner,
    additionalProperties: false,
    style: { singleQuote: true, printWidth: 110 },
    declareExternallyReferenced: true,
  });
  const target = join(outDir, dirname(rel), basename(rel, '.schema.json') + '.ts');
  let current = null;
  try { current = await readFile(target, 'utf8'); } catch {}
  if (current !== ts) {
    stale.push(target.slice(root.length + 1));
    if (!check) await writeFile(target, ts);
  }
}
if (check && stale.length) {
  console.error(`stale generated types (run npm run gen): ${stale.join(', ')}`);
  process.exit(1);
}
if (!check) console.log(stale.length ? `wrote ${stale.join(', ')}` : 'generated types are up to date');
