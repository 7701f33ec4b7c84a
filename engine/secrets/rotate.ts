// `ironplan secrets rotate-key`: every stored secret re-sealed under a new key. Crash-safe in this order:
// 1. the key file gains the new key in front (old keys kept: every row stays readable whichever key sealed
//    it), 2. the database records the new key's check value, 3. each row is re-sealed in its own UPDATE,
//    4. once no row is left under an old key, the database forgets the old keys, 5. the file keeps only the
//    new key. Run again after a crash, it starts a new key and finishes the job.
import { openStore, storeKeyFile, type StoreOptions } from '../store/open.js';
import { checkKeys, countSealedUnderOtherKeys, forgetOtherKeys, resealRows } from '../store/secret-keys.js';
import { keyringOf, newKey, readKeyFile, writeKeyFile } from './keyfile.js';
import { SecretsError } from './envelope.js';

export interface RotateResult {
  keyFile: string;
  newKid: string;
  retiredKids: string[];
  nodes: number;
  specs: number;
}

/** A manager heartbeating more recently than this is taken as running (it holds the old key in memory). */
const LIVE_WITHIN_MS = 90_000;

export async function rotateKey(database: string, opts: StoreOptions & { force?: boolean } = {}): Promise<RotateResult> {
  const keyFile = storeKeyFile(database, opts);
  if (!keyFile) throw new SecretsError('an in-memory database has no key file to rotate');
  const store = await openStore(database, opts);
  try {
    // A running manager would go on sealing new writes under the old key, which step 5 drops.
    const live = (await store.listConductors()).filter((c) => c.online && Date.now() - Date.parse(c.heartbeat_at) < LIVE_WITHIN_MS);
    if (live.length && !opts.force) {
      throw new SecretsError(`stop the services sharing this database first: ${live.map((c) => c.id).join(', ')} heartbeat within the last ${LIVE_WITHIN_MS / 1000} s (--force to rotate anyway)`);
    }
    const old = readKeyFile(keyFile);
    const fresh = newKey();
    writeKeyFile(keyFile, [fresh, ...old]);
    store.secrets.use(keyringOf([fresh, ...old]));
    await checkKeys(store.db, store.secrets, { keyFile });
    let nodes = 0;
    let specs = 0;
    // Rows written meanwhile by a process that still seals under the old key are picked up by another pass.
    for (let pass = 0; pass < 5; pass++) {
      const done = await resealRows(store.db, store.secrets);
      nodes += done.nodes;
      specs += done.specs;
      if ((await countSealedUnderOtherKeys(store.db, store.secrets)) === 0) {
        await forgetOtherKeys(store.db, store.secrets);
        writeKeyFile(keyFile, [fresh]);
        await store.flushWal();
        return { keyFile, newKid: fresh.kid, retiredKids: old.map((k) => k.kid), nodes, specs };
      }
    }
    throw new SecretsError(`rows are still sealed under an old key after 5 passes; ${keyFile} keeps both keys: run rotate-key again with the services stopped`);
  } finally {
    await store.close();
  }
}
