// Generates TypeScript types from schemas/ (the single source of truth): the shapes the driver contract
// names into contract/generated/ (drivers may import nothing of the engine), the rest into engine/generated/.
// `npm run gen` writes them; `node scripts/gen-types.mjs --check` exits 1 if any file is stale, missing, or
// left over in the other folder.
import { compileFromFile } from 'json-schema-to-typescript';
import { readdir, readFile, writeFile, mkdir, rm } from 'node:fs/promises';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = join(root, 'schemas');
const outDirs = { contract: join(root, 'contract', 'generated'), engine: join(root, 'engine', 'generated') };
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

// What a task carries (the node and its ports), the agent protocol, each driver's driver_info and the
// common tier a driver may implement.
const CONTRACT_SCHEMAS = ['node-record.schema.json', 'port-record.schema.json', 'agent-command.schema.json', 'agent-heartbeat.schema.json', 'clean-step.schema.json', 'inventory.schema.json'];
const inContract = (rel) => CONTRACT_SCHEMAS.includes(rel) || rel.startsWith('drivers/') || rel.startsWith('common-tier/');

/** Every .ts file under dir carrying our banner: what this script wrote, and so may remove. */
async function generatedFiles(dir) {
  const out = [];
  let entries;
  try { entries = await readdir(dir, { withFileTypes: true }); } catch { return out; }
  for (const entry of entries) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await generatedFiles(p)));
    else if (entry.name.endsWith('.ts') && (await readFile(p, 'utf8')).startsWith(banner)) out.push(p);
  }
  return out;
}

const stale = [];
const expected = new Set();
for (const rel of await schemaFiles(schemaDir)) {
  const outDir = inContract(rel) ? outDirs.contract : outDirs.engine;
  const file = join(schemaDir, rel);
  const ts = await compileFromFile(file, {
    cwd: schemaDir,
    bannerComment: banner,
    additionalProperties: false,
    style: { singleQuote: true, printWidth: 110 },
    declareExternallyReferenced: true,
  });
  const target = join(outDir, dirname(rel), basename(rel, '.schema.json') + '.ts');
  expected.add(target);
  let current = null;
  try { current = await readFile(target, 'utf8'); } catch {}
  if (current !== ts) {
    stale.push(target.slice(root.length + 1));
    if (!check) {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, ts);
    }
  }
}
// A schema that moved between the folders, or was deleted, leaves a file that would still typecheck.
for (const dir of Object.values(outDirs)) {
  for (const file of await generatedFiles(dir)) {
    if (expected.has(file)) continue;
    stale.push(`${file.slice(root.length + 1)} (no longer generated)`);
    if (!check) await rm(file);
  }
}
if (check && stale.length) {
  console.error(`stale generated types (run npm run gen): ${stale.join(', ')}`);
  process.exit(1);
}
if (!check) console.log(stale.length ? `wrote ${stale.join(', ')}` : 'generated types are up to date');
