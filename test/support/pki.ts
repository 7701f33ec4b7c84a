// A throwaway PKI made with the real openssl: a CA, a certificate for 127.0.0.1/localhost usable as server
// and as client (what the API and the managers present to each other), and a second CA nobody trusts.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pki {
  ca: string;
  cert: string;
  key: string;
  /** A CA that signed nothing here: a client trusting it must fail. */
  otherCa: string;
  /** A certificate from the other CA (a stranger presenting a client certificate). */
  strangerCert: string;
  strangerKey: string;
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });

export function makeCa(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', key, '-out', cert, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return { cert, key };
}

/** A leaf certificate from `ca`, in dir as <name>.crt/.key: by default for 127.0.0.1/localhost, as server and client. */
export function issue(dir: string, ca: { cert: string; key: string }, name: string, o: { san?: string; usage?: string } = {}): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${name}`, '-keyout', key, '-out', csr], dir);
  writeFileSync(ext, `subjectAltName=${o.san ?? 'IP:127.0.0.1,DNS:localhost'}\nextendedKeyUsage=${o.usage ?? 'serverAuth,clientAuth'}\nbasicConstraints=CA:FALSE\n`);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', cert], dir);
  return { cert, key };
}

export function makePki(dir: string): Pki {
  const ca = makeCa(dir, 'ironplan-test-ca');
  const other = makeCa(dir, 'other-ca');
  const leaf = issue(dir, ca, 'ironplan');
  const stranger = issue(dir, other, 'stranger');
  return { ca: ca.cert, cert: leaf.cert, key: leaf.key, otherCa: other.cert, strangerCert: stranger.cert, strangerKey: stranger.key };
}
