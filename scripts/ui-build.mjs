// npm run build — the console (ui/src) bundled by esbuild into dist/ui/: one script and one stylesheet
// named by content hash (served immutable) and an index.html naming them (served no-cache). Everything
// is local: no CDN, so the console works on an air-gapped management network.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/ui');

export async function buildUi({ quiet = false, minify = true } = {}) {
  rmSync(join(outdir, 'assets'), { recursive: true, force: true });
  mkdirSync(join(outdir, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: { app: join(root, 'ui/src/main.tsx') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(root, 'ui/tsconfig.json'),
    outdir: join(outdir, 'assets'),
    entryNames: '[name]-[hash]',
    minify,
    sourcemap: true,
    metafile: true,
    logLevel: quiet ? 'error' : 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const js = outputs.find((f) => f.endsWith('.js'));
  const css = outputs.find((f) => f.endsWith('.css'));
  const html = readFileSync(join(root, 'ui/index.html'), 'utf8')
    .replace('%SCRIPT%', `/ui/assets/${js}`)
    .replace('%STYLE%', css ? `<link rel="stylesheet" href="/ui/assets/${css}">` : '');
  writeFileSync(join(outdir, 'index.html'), html);
  return { js, css };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildUi({ quiet: process.argv.includes('--quiet') });
  if (!process.argv.includes('--quiet')) console.log(`dist/ui: ${out.js}${out.css ? `, ${out.css}` : ''}`);
}
