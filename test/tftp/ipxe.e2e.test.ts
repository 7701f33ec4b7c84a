// Slow end-to-end: iPXE (Debian's ipxe-qemu ROM in a QEMU VM) network-boots from our TFTP server: it
// fetches a boot script that the server generates per request, then a 2 MiB file, with option
// negotiation. QEMU's user network reaches the host's 127.0.0.1 as 10.0.2.2.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTftpServer, type TransferSummary } from '../../drivers/tftp/server.js';

const dir = mkdtempSync(join(tmpdir(), 'ironplan-tftp-ipxe-'));
let qemu: ChildProcess | undefined;
afterAll(() => {
  qemu?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('TFTP with iPXE in QEMU (slow)', () => {
  it('iPXE boots a generated script over our TFTP and fetches a 2 MiB file with negotiated block size', async () => {
    const payload = Buffer.alloc(2 << 20);
    randomFillSync(payload);
    writeFileSync(join(dir, 'payload.bin'), payload);
    const transfers: TransferSummary[] = [];
    let port = 0;
    const server = createTftpServer({
      root: dir,
      host: '127.0.0.1',
      port: 0,
      // The boot script does not exist on disk: it is generated for the asking client, as per-node scripts are.
      resolve: async (path) =>
        path === 'boot.ipxe'
          ? [
              '#!ipxe',
              'echo IRONPLAN-TFTP-SCRIPT-OK',
              `imgfetch tftp://10.0.2.2:${port}/payload.bin || goto failed`,
              'imgstat',
              'echo IRONPLAN-TFTP-FETCH-OK',
              'poweroff',
              ':failed',
              'echo IRONPLAN-TFTP-FETCH-FAILED',
              'poweroff',
              '',
            ].join('\n')
          : undefined,
    });
    server.on('transfer', (t: TransferSummary) => transfers.push(t));
    port = (await server.listen()).port;
    const consoleLog = join(dir, 'console.log');
    try {
      qemu = spawn(
        'qemu-system-x86_64',
        ['-machine', 'pc,accel=tcg', '-m', '256', '-nographic', '-monitor', 'none', '-no-reboot',
          '-netdev', `user,id=n0,bootfile=tftp://10.0.2.2:${port}/boot.ipxe`, '-device', 'virtio-net-pci,netdev=n0',
          '-boot', 'order=n', '-serial', `file:${consoleLog}`],
        { stdio: 'ignore' },
      );
      const deadline = Date.now() + 90_000;
      let text = '';
      while (Date.now() < deadline) {
        try {
          text = readFileSync(consoleLog, 'utf8');
        } catch {
          text = '';
        }
        if (/IRONPLAN-TFTP-FETCH-(OK|FAILED)/.test(text)) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(text, text.slice(-2000)).toContain('IRONPLAN-TFTP-SCRIPT-OK');
      expect(text).toContain('IRONPLAN-TFTP-FETCH-OK');
      expect(text).toMatch(/payload\.bin\s*:\s*2097152 bytes/);
      const fetched = transfers.find((t) => t.file === 'payload.bin');
      expect(fetched?.ok).toBe(true);
      expect(fetched?.bytes).toBe(2 << 20);
      expect(fetched!.blksize).toBeGreaterThan(512);
      expect(transfers.find((t) => t.file === 'boot.ipxe')?.ok).toBe(true);
    } finally {
      qemu?.kill('SIGKILL');
      await server.close();
    }
  }, 120_000);
});
