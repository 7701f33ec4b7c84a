// Certificates for the agent's TLS tests, made with the real openssl (test/support/pki.ts): CAs and a server
// certificate for the addresses the agent reaches the API by (10.0.2.2 from a QEMU guest, 127.0.0.1 on the host).
import { issue, makeCa } from '../support/pki.js';

export { makeCa };

/** The server's certificate (server.crt/.key in dir): for 10.0.2.2 (the guest's view) and 127.0.0.1 (the test's own calls). */
export function issueServer(dir: string, ca: { cert: string; key: string }): { cert: string; key: string } {
  return issue(dir, ca, 'server', { san: 'IP:10.0.2.2,IP:127.0.0.1', usage: 'serverAuth' });
}
