// npm run provider:build — the protocol descriptor, then one ESM bundle for the provider executable
// (provider/dist/terraform-provider-ironplan.mjs) with the provider logic split into a chunk that the
// entry loads after the handshake.
import { build } from 'esbuild';
import { mkdirSync, rmSync, renameSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDescriptor } from './provider-descriptor.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildProvider({ quiet = false } = {}) {
  writeDescriptor();
  const outdir = join(root, 'provider/dist');
  // Terraform may be launching the provider from dist/ while this runs (parallel test files): build
  // aside, then rename each file into place, which is atomic; chunk names are content hashes, so a
  // running provider never sees a chunk change under it.
  const staging = join(outdir, `.staging-${process.pid}-${Date.now()}`);
  const result = await build({
    entryPoints: { 'terraform-provider-ironplan': join(root, 'provider/src/main.ts') },
    outdir: staging,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifySyntax: true,
    legalComments: 'none',
    metafile: true,
    logLevel: quiet ? 'warning' : 'info',
  });
  mkdirSync(join(outdir, 'chunks'), { recursive: true });
  const fresh = new Set();
  for (const file of Object.keys(result.metafile.outputs)) {
    const rel = relative(staging, resolve(file));
    renameSync(join(staging, rel), join(outdir, rel));
    fresh.add(rel);
  }
  rmSync(staging, { recursive: true, force: true });
  // Chunks of older builds go once no launch can still be loading them.
  for (const f of readdirSync(join(outdir, 'chunks'))) {
    const p = join(outdir, 'chunks', f);
    if (!fresh.has(`chunks/${f}`) && Date.now() - statSync(p).mtimeMs > 10 * 60_000) rmSync(p, { force: true });
  }
  return join(outdir, 'terraform-provider-ironplan.mjs');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildProvider();
  process.stderr.write(`built ${out}\n`);
}
