// npm run gen:cdktf — TypeScript CDKTF bindings from the provider's own schema: builds the provider, asks
// terraform for `providers schema -json` through dev_overrides, and runs @cdktf/provider-generator
// in-process (its root export needs jsii-pacmak; the generator module alone does not). Output, committed:
// provider/cdktf/ (imports cdktf) and provider/cdktn/ (the same code importing the community fork cdktn).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { buildProvider } from './provider-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const SOURCE = 'registry.terraform.io/ironplan/ironplan';

export function providerSchemaJson() {
  const work = mkdtempSync(join(tmpdir(), 'ironplan-gen-'));
  try {
    writeFileSync(join(work, 'cli.tfrc'), `provider_installation {\n  dev_overrides {\n    "${SOURCE}" = "${join(root, 'bin')}"\n  }\n  direct {}\n}\n`);
    writeFileSync(join(work, 'main.tf'), 'terraform {\n  required_providers {\n    ironplan = { source = "ironplan/ironplan" }\n  }\n}\n');
    const r = spawnSync('terraform', ['providers', 'schema', '-json'], {
      cwd: work,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, TF_CLI_CONFIG_FILE: join(work, 'cli.tfrc'), CHECKPOINT_DISABLE: '1' },
    });
    if (r.status !== 0) throw new Error(`terraform providers schema -json failed (is terraform on PATH?):\n${r.stderr}`);
    return JSON.parse(r.stdout);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function files(dir) {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

async function main() {
  await buildProvider({ quiet: true });
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const schema = providerSchemaJson();
  // Without provider_versions the bindings carry no version constraint.
  schema.provider_versions = { [SOURCE]: version };
  // @cdktf/commons runs `terraform version -json` when loaded: give it a CLI config that exists.
  const quiet = mkdtempSync(join(tmpdir(), 'ironplan-tfrc-'));
  writeFileSync(join(quiet, 'cli.tfrc'), '');
  process.env.TF_CLI_CONFIG_FILE = join(quiet, 'cli.tfrc');
  process.env.CHECKPOINT_DISABLE = '1';
  const { CodeMaker } = require('codemaker');
  const { TerraformProviderGenerator } = require('@cdktf/provider-generator/lib/get/generator/provider-generator');
  const code = new CodeMaker();
  code.indentation = 2;
  const gen = new TerraformProviderGenerator(code, schema);
  gen.generateAll();
  const tmp = mkdtempSync(join(tmpdir(), 'ironplan-cdktf-'));
  try {
    await gen.save(tmp);
    const generated = join(tmp, 'providers', 'ironplan');
    for (const [dir, lib] of [['cdktf', 'cdktf'], ['cdktn', 'cdktn']]) {
      const out = join(root, 'provider', dir);
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      cpSync(generated, out, { recursive: true });
      // lazy-index.ts is CommonJS (require/exports) and cannot compile in an ESM package; index.ts is the entry.
      rmSync(join(out, 'lazy-index.ts'), { force: true });
      for (const f of files(out)) {
        if (!f.endsWith('.ts')) continue;
        let text = readFileSync(f, 'utf8');
        if (lib === 'cdktn') text = text.replaceAll("from 'cdktf'", "from 'cdktn'").replaceAll('from "cdktf"', 'from "cdktn"');
        // The package is ESM under NodeNext: relative imports need their .js extension.
        text = text.replace(/(from\s+['"])(\.{1,2}\/[^'"]+?)(['"])/g, (m, a, p, b) => (p.endsWith('.js') ? m : `${a}${resolveSpecifier(f, p)}${b}`));
        writeFileSync(f, text);
      }
      process.stderr.write(`wrote ${relative(root, out)}/ (${files(out).length} files)\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(quiet, { recursive: true, force: true });
  }
}

/** `./node` → `./node/index.js` when it is a directory, `./x` → `./x.js` when it is a file. */
function resolveSpecifier(fromFile, spec) {
  const target = join(dirname(fromFile), spec);
  try {
    if (statSync(target).isDirectory()) return `${spec.replace(/\/$/, '')}/index.js`;
  } catch {
    // not a directory
  }
  return `${spec}.js`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
