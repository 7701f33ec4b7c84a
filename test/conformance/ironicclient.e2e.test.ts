// Conformance, driven by a real Ironic client library: suite.py uses python-ironicclient's Python API
// (Debian's python3-ironicclient) against `ironplan serve`. Each of its cases is one test here. The same
// suite passes against a real Ironic 21.4 (run `/usr/bin/python3 test/conformance/suite.py <ironic URL>`),
// so what it asserts (status codes, faultstrings, states) is Ironic's behaviour, not ironplan's own idea.
// A case needing a newer version than the server has is reported skipped, with the reason.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Served } from '../engine/serve-process.js';

const PYTHON = '/usr/bin/python3';
const SUITE = join(import.meta.dirname, 'suite.py');

interface Outcome {
  case: string;
  ok: boolean;
  skipped: boolean;
  detail: string;
}

// The case names are read when the file is collected, so each is its own test; a missing python3-ironicclient
// fails here, loudly (CI installs it).
const cases = execFileSync(PYTHON, [SUITE, '--list'], { encoding: 'utf8' }).trim().split('\n');

describe('conformance with python-ironicclient (slow: runs the real client against serve)', () => {
  let dir: string;
  let served: Served;
  const outcomes = new Map<string, Outcome>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conformance-'));
    served = await startServe(dir);
    const out = await new Promise<string>((resolve, reject) =>
      execFile(PYTHON, [SUITE, served.endpoint], { timeout: 240_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
        err ? reject(new Error(`suite.py failed: ${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    for (const line of out.split('\n')) if (line.startsWith('{')) {
      const o = JSON.parse(line) as Outcome;
      outcomes.set(o.case, o);
    }
  }, 300_000);

  afterAll(async () => {
    served?.kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const name of cases) {
    it(name, (ctx) => {
      const o = outcomes.get(name);
      expect(o, `suite.py reported nothing for ${name}`).toBeDefined();
      if (o!.skipped) ctx.skip(o!.detail);
      expect(o!.ok, o!.detail).toBe(true);
    });
  }
});
