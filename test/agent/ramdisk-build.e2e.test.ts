// The deploy ramdisk build against the real Debian archive (apt-get download): reproducible bytes,
// cache reuse, and the initramfs layout the init script relies on.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRamdisk, RAMDISK_MODULES, writeCpio } from '../../drivers/agent/ramdisk-build.js';

const sha256 = async (p: string): Promise<string> => createHash('sha256').update(await readFile(p)).digest('hex');

/** Lists a newc archive with GNU cpio: name, mode and mtime as cpio itself reads them. */
function cpioList(archive: Buffer): string[] {
  return execFileSync('cpio', ['-itv', '--quiet'], { input: archive, encoding: 'utf8' }).trim().split('\n');
}

describe('buildRamdisk', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('builds reproducibly, reuses its cache, and lays out busybox, modules, init and the agent', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'ironplan-ramdisk-test-'));
    dirs.push(cacheDir);
    const logs: string[] = [];
    let t = Date.now();
    const cold = await buildRamdisk({ cacheDir, log: (m) => logs.push(m) });
    const coldMs = Date.now() - t;
    expect(cold.reused).toBe(false);
    const first = await sha256(cold.initrd);

    t = Date.now();
    const warm = await buildRamdisk({ cacheDir });
    const warmMs = Date.now() - t;
    expect(warm).toEqual({ ...cold, reused: true });

    // Outputs gone, downloads kept: a rebuild from the same inputs gives the same bytes.
    await rm(cold.initrd);
    const again = await buildRamdisk({ cacheDir });
    expect(again.reused).toBe(false);
    expect(await sha256(again.initrd)).toBe(first);
    console.log(`ramdisk build: cold ${coldMs} ms, warm ${warmMs} ms; initrd sha256 ${first}`);

    const list = cpioList(gunzipSync(await readFile(cold.initrd)));
    // mtime 0 everywhere: every line has the 1970 date, then the name.
    const names = list.map((l) => / 1970 (.*?)(?: -> .*)?$/.exec(l)?.[1] ?? `unparsed: ${l}`);
    const byName = (n: string): string => list[names.indexOf(n)] ?? '';
    expect(names).toEqual(expect.arrayContaining(['init', 'bin/agent.sh', 'bin/busybox', 'usr/share/udhcpc/default.script']));
    for (const m of RAMDISK_MODULES) expect(names).toContain(`lib/modules/${m}.ko`);
    expect(byName('dev/console')).toMatch(/^crw------- .* 5,\s+1 /);
    expect(list.find((l) => / bin\/sh -> \/bin\/busybox$/.test(l))).toBeTruthy();
    expect(list.find((l) => / usr\/bin\/wget -> \/bin\/busybox$/.test(l))).toBeTruthy();
    expect(byName('init')).toMatch(/^-rwxr-xr-x .* root\s+root .* 1970 init$/);
    // Sorted entries: parents before children, as the kernel needs when it unpacks.
    expect([...names].sort()).toEqual(names);
    expect(logs.some((l) => l.includes('apt-get download'))).toBe(true);
  }, 180_000);

  it('writes the cpio newc format GNU cpio reads back', () => {
    const archive = writeCpio([
      { path: 'a', type: 'dir', mode: 0o755 },
      { path: 'a/f', type: 'file', mode: 0o644, data: Buffer.from('hello') },
      { path: 'a/l', type: 'symlink', mode: 0o777, target: 'f' },
    ]);
    const out = execFileSync('cpio', ['-i', '--to-stdout', '--quiet', 'a/f'], { input: archive });
    expect(out.toString()).toBe('hello');
    expect(cpioList(archive).map((l) => / 1970 (.*)$/.exec(l)?.[1])).toEqual(['a', 'a/f', 'a/l -> f']);
  });
});
