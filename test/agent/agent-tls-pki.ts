// Certificates for the agent's TLS tests, made with the real openssl: CAs and a server certificate for the
// addresses the agent reaches the API by (10.0.2.2 from a QEMU guest, 127.0.0.1 on the host).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeCa(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  openssl(['req', '-x509', ...EC, '-days', '2', '-subj', `/CN=${name}`, '-keyout', key, '-out', cert, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'], dir);
  return { cert, key };
}

/** The server's certificate: for 10.0.2.2 (the guest's view) and 127.0.0.1 (the test's own calls). */
export function issueServer(dir: string, ca: { cert: string; key: string }): { cert: string; key: string } {
  openssl(['req', ...EC, '-subj', '/CN=ironplan', '-keyout', 'server.key', '-out', 'server.csr'], dir);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:10.0.2.2,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'server.crt'], dir);
  return { cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}

