// Fuzzes the fleet-file parser (engine/fleet-file.ts) with YAML and JSON files: mutated real fleets,
// alias bombs, deep nesting, tags, binary garbage. It must hand back a fleet the schema accepts or refuse
// with an EngineError naming the problem; nothing else may escape it, and it must not take long.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { EngineError } from '../../engine/errors.js';
import { readFleetFile } from '../../engine/fleet-file.js';
import { anyJson, deepJson, mutated } from './arbitraries.js';
import type { FuzzFinding } from './checker.js';

const NODE = { name: 'n1', driver: 'fake-hardware', driver_info: { fake_power_delay_ms: 0 }, resource_class: 'small', traits: ['CUSTOM_A'], properties: { cpus: 2 }, ports: [{ address: '52:54:00:00:01:01' }], power_state: 'power off' };
const DEPLOYMENT = { name: 'd1', node_selector: { resource_class: 'small' }, image_source: 'http://img/a.raw', image_checksum: `sha256:${'a'.repeat(64)}`, user_data: '#cloud-config\n' };

const fleetDoc: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ nodes: fc.array(fc.oneof(fc.constant(NODE), mutated(NODE)), { maxLength: 3 }), deployments: fc.array(fc.oneof(fc.constant(DEPLOYMENT), mutated(DEPLOYMENT)), { maxLength: 2 }) }),
  mutated({ nodes: [NODE], deployments: [DEPLOYMENT] }),
  anyJson,
);

/** YAML that attacks the parser itself rather than the schema. */
const yamlAttack: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 2, max: 12 }).map((levels) => {
    // Billion laughs: each alias list doubles the last.
    const lines = ['a0: &a0 ["lol","lol"]'];
    for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [*a${i - 1},*a${i - 1},*a${i - 1},*a${i - 1},*a${i - 1},*a${i - 1},*a${i - 1},*a${i - 1},*a${i - 1}]`);
    lines.push(`nodes: *a${levels - 1}`);
    return lines.join('\n');
  }),
  fc.integer({ min: 50, max: 600 }).map((d) => `nodes:\n${Array.from({ length: d }, (_, i) => `${' '.repeat(i)}- `).join('\n')}x`),
  fc.integer({ min: 100, max: 20_000 }).map((d) => deepJson(d, 'array')),
  fc.integer({ min: 100, max: 20_000 }).map((d) => `nodes: ${deepJson(d, 'object')}`),
  fc.constantFrom('!!js/function "function(){}"', 'nodes: !!binary aGVsbG8=', 'nodes: !<tag:yaml.org,2002:python/object> {}', '%YAML 9.9\n---\nnodes: []', '---\n...\n---\nnodes: [', 'nodes: &x [*x]', '<<: *nope', '? [a]\n: b', 'nodes: [{name: a, name: b}]', '\ufeffnodes: []', 'nodes:\n\t- x'),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ maxLength: 200 }),
);

const fleetText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fleetDoc.map((d) => stringify(d)) },
  { weight: 2, arbitrary: fleetDoc.map((d) => JSON.stringify(d) ?? 'null') },
  { weight: 2, arbitrary: yamlAttack },
);

const SLOW_MS = 2000;

export async function fuzzFleetFile(opts: { runs: number; seed: number; dir: string }): Promise<{ files: number; accepted: number; refused: number; findings: FuzzFinding[] }> {
  const out = { files: 0, accepted: 0, refused: 0, findings: [] as FuzzFinding[] };
  const path = join(opts.dir, 'fleet.yaml');
  await fc.assert(
    fc.asyncProperty(fleetText, async (text) => {
      await writeFile(path, text);
      out.files++;
      const t0 = Date.now();
      try {
        await readFleetFile(path);
        out.accepted++;
      } catch (err) {
        if (err instanceof EngineError && err.status === 400) out.refused++;
        else out.findings.push({ kind: 'thrown', request: text.slice(0, 300), detail: String((err as Error)?.stack ?? err).slice(0, 600) });
      }
      const ms = Date.now() - t0;
      if (ms > SLOW_MS) out.findings.push({ kind: 'hung', request: text.slice(0, 300), detail: `took ${ms} ms` });
    }),
    { numRuns: opts.runs, seed: opts.seed, endOnFailure: true },
  );
  return out;
}
