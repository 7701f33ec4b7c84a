// Synthesizes the example stack without cdktf-cli: bundles main.ts with esbuild (cdktf and constructs stay
// external) and runs it; app.synth() writes <outdir>/stacks/ironplan-lab/cdk.tf.json.
// Usage: node examples/cdktf/synth.mjs [outdir]   (default examples/cdktf/cdktf.out)
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(process.argv[2] ?? join(here, 'cdktf.out'));
const bundle = join(here, 'cdktf.out', 'main.mjs');
await build({ entryPoints: [join(here, 'main.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: bundle, logLevel: 'warning' });
process.env.CDKTF_OUTDIR = outdir;
await import(pathToFileURL(bundle).href);
process.stderr.write(`synthesized ${join(outdir, 'stacks', 'ironplan-lab', 'cdk.tf.json')}\n`);
