// bench/secrets: what sealing driver_info secrets at rest costs.
//  1. seal and open one value (AES-256-GCM, node:crypto), µs each;
//  2. reading N ipmi nodes whole from a cold store (every password opened) against the same nodes on
//     fake-hardware with no secret, and the same for creating them (every password sealed).
// Run: npm run build && node bench/secrets/run.mjs   (N=10000 by default)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newKey, keyringOf } from '../../dist/engine/secrets/keyfile.js';
import { openStore } from '../../dist/engine/store/open.js';

const N = Number(process.env.N ?? 10_000);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function perValue() {
  const ring = keyringOf([newKey()]);
  const M = 100_000;
  const sealed = new Array(M);
  let t = performance.now();
  for (let i = 0; i < M; i++) sealed[i] = ring.seal('driver_info.ipmi_password', `password-${i}`);
  const sealUs = ((performance.now() - t) * 1000) / M;
  t = performance.now();
  for (let i = 0; i < M; i++) ring.open('driver_info.ipmi_password', sealed[i]);
  const openUs = ((performance.now() - t) * 1000) / M;
  return { sealUs, openUs };
}

function nodeRecord(i, secret) {
  const t = new Date().toISOString();
  return {
    uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `n${i}`,
    driver: secret ? 'ipmi' : 'fake-hardware',
    driver_info: secret ? { ipmi_address: `10.0.${i >> 8 & 255}.${i & 255}`, ipmi_username: 'admin', ipmi_password: `pw-${i}` } : { ipmi_address: `10.0.${i >> 8 & 255}.${i & 255}`, ipmi_username: 'admin' },
    interfaces: { power: 'fake', management: 'fake', boot: 'fake', deploy: 'fake', inspect: 'fake', vendor: 'fake' },
    properties: {}, resource_class: null, conductor_group: '', chassis_uuid: null, traits: [], power_state: null, target_power_state: null,
    provision_state: 'enroll', target_provision_state: null, maintenance: false, maintenance_reason: null, last_error: null, reservation: null,
    instance_uuid: null, instance_info: {}, driver_internal_info: {}, extra: {}, managed: false, provision_deadline: null,
    created_at: t, updated_at: null, provision_updated_at: null, version: 1,
  };
}

async function fleet(secret) {
  const dir = mkdtempSync(join(tmpdir(), 'ironplan-bench-secrets-'));
  try {
    const db = join(dir, 'b.sqlite');
    let store = await openStore(db);
    let t = performance.now();
    await store.transaction(async (tx) => {
      for (let i = 0; i < N; i++) await tx.insertNode(nodeRecord(i, secret));
    });
    const createMs = performance.now() - t;
    await store.close();
    const reads = [];
    for (let r = 0; r < 5; r++) {
      store = await openStore(db); // a cold node cache: every record parsed (and opened) again
      t = performance.now();
      const nodes = await store.listNodes();
      reads.push(performance.now() - t);
      if (nodes.length !== N) throw new Error(`read ${nodes.length} nodes`);
      await store.close();
    }
    return { createMs, listMs: median(reads) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const v = perValue();
console.log(`seal ${v.sealUs.toFixed(2)} µs, open ${v.openUs.toFixed(2)} µs per value (mean over 100,000)`);
const plain = await fleet(false);
const sealed = await fleet(true);
console.log(`create ${N} nodes in one transaction: ${plain.createMs.toFixed(0)} ms without a secret, ${sealed.createMs.toFixed(0)} ms with ipmi_password sealed`);
console.log(`list ${N} nodes from a cold cache (median of 5): ${plain.listMs.toFixed(0)} ms without, ${sealed.listMs.toFixed(0)} ms with every password opened`);
