// A self-signed certificate for the lab BMC, made at start with openssl (as a BMC ships its own).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SelfSigned {
  key: string;
  cert: string;
}

export async function selfSignedCert(host = '127.0.0.1'): Promise<SelfSigned> {
  const dir = await mkdtemp(join(tmpdir(), 'ironplan-redfish-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    const san = /^[\d.]+$/.test(host) ? `IP:${host}` : `DNS:${host}`;
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${host}`, '-addext', `subjectAltName=${san}`, '-keyout', keyPath, '-out', certPath], { timeout: 20_000 });
    return { key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
