// Fuzzes the agent's heartbeat body (engine/http/agent.ts) with the node really waiting for its agent
// and the real token, so generated bodies reach the manager's heartbeat handling and not only the token
// check: statuses, byte counts, checksums and errors of every type and size.
import fc from 'fast-check';
import { CHECKSUM, startHarness, waitFor, type Harness } from '../http/helpers.js';
import { anyJson, hostileString } from './arbitraries.js';
import { Checker, type FuzzTally } from './checker.js';

/** Mostly a well-typed value (so the body passes the schema and reaches the manager), sometimes a hostile one. */
const often = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) => fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });

const STATUSES = ['ready', 'busy', 'written', 'cleaned', 'inspected', 'failed'];

/** A heartbeat body: mostly the right members with hostile values, sometimes anything at all. */
export const heartbeatBody: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        agent_token: often(fc.constant('@token@'), anyJson),
        agent_status: often(fc.constantFrom(...STATUSES), anyJson),
        agent_version: often(fc.string({ maxLength: 20 }), anyJson),
        bytes_written: often(fc.integer({ min: 0, max: 2 ** 40 }), anyJson),
        bytes_total: often(fc.integer({ min: 0, max: 2 ** 40 }), anyJson),
        image_checksum_computed: often(fc.constantFrom(CHECKSUM, `sha512:${'0'.repeat(128)}`, 'md5:x', ''), anyJson),
        erased_devices: often(fc.constantFrom('/dev/sda /dev/sdb', '/dev/../../etc', ''), hostileString),
        cpus: often(fc.integer({ min: 1, max: 1 << 20 }), anyJson),
        memory_mb: often(fc.integer({ min: 1, max: 2 ** 31 }), anyJson),
        local_gb: often(fc.integer({ min: 0, max: 2 ** 31 }), anyJson),
        cpu_arch: often(fc.constantFrom('x86_64', 'aarch64'), hostileString),
        error: hostileString,
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyJson },
);

/** Drives the node to wait call-back (again, after a heartbeat finished or failed its deploy) and looks it up. */
async function awaitingAgent(h: Harness, uuid: string): Promise<string> {
  const node = (await h.call({ method: 'GET', url: `/v1/nodes/${uuid}` })).body;
  const provision = (target: string) => h.call({ method: 'PUT', url: `/v1/nodes/${uuid}/states/provision`, payload: { target } });
  if (node.provision_state !== 'wait call-back') {
    if (node.provision_state === 'active' || node.provision_state === 'deploy failed') {
      await provision('deleted');
      await waitFor(h, uuid, (n) => n.provision_state === 'available' && n.reservation === null);
    }
    // Undeploying clears instance_info, as in Ironic.
    await h.call({ method: 'PATCH', url: `/v1/nodes/${uuid}`, payload: [
      { op: 'add', path: '/instance_info/image_source', value: 'http://127.0.0.1:1/img.raw' },
      { op: 'add', path: '/instance_info/image_checksum', value: CHECKSUM },
    ] });
    await provision('active');
    await waitFor(h, uuid, (n) => n.provision_state === 'wait call-back' && n.reservation === null);
  }
  const look = await h.call({ method: 'GET', url: `/v1/lookup?node_uuid=${uuid}`, version: null });
  return look.body.config.agent_token as string;
}

export async function fuzzHeartbeat(opts: { runs: number; seed: number }): Promise<FuzzTally & { redeploys: number }> {
  const h = await startHarness({}, { settings: { automatedClean: false } as never });
  const checker = new Checker(h.app, `${h.dir}/ironplan.sqlite`);
  let redeploys = 0;
  try {
    const created = await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'hb', driver_info: { fake_fail: 'agent_timeout' }, properties: { cpus: 2 } } });
    const uuid = created.body.uuid as string;
    await h.call({ method: 'POST', url: '/v1/ports', payload: { address: '52:54:00:fb:00:01', node_uuid: uuid } });
    for (const target of ['manage', 'provide']) {
      await h.call({ method: 'PUT', url: `/v1/nodes/${uuid}/states/provision`, payload: { target } });
      await waitFor(h, uuid, (n) => n.reservation === null && n.provision_state === (target === 'manage' ? 'manageable' : 'available'));
    }
    let token = await awaitingAgent(h, uuid);
    await fc.assert(
      fc.asyncProperty(heartbeatBody, fc.boolean(), async (body, byName) => {
        const payload = JSON.stringify(body).replaceAll('"@token@"', JSON.stringify(token));
        const res = await checker.check({ method: 'POST', url: `/v1/heartbeat/${byName ? 'hb' : uuid}`, payload, headers: { 'content-type': 'application/json' } });
        if (res && res.statusCode < 400) {
          const state = (await h.call({ method: 'GET', url: `/v1/nodes/${uuid}` })).body.provision_state;
          if (state !== 'wait call-back') {
            redeploys++;
            token = await awaitingAgent(h, uuid);
          }
        }
      }),
      { numRuns: opts.runs, seed: opts.seed, endOnFailure: true },
    );
    return { ...(await checker.finish()), redeploys };
  } finally {
    await h.close();
  }
}
