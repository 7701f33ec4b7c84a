// TLS material for the three listeners (the API, a manager's JSON-RPC, a manager's boot server) and for the
// clients that reach them (the API and managers calling managers, the CLI's --endpoint). Files are read
// once at start; a missing or unreadable file is named in the error.
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';

export interface TlsServerFiles {
  /** PEM certificate (chain) and private key the listener presents. */
  cert: string;
  key: string;
  /** With it, the listener requires a client certificate issued by this CA (mutual TLS). */
  clientCa?: string;
}

export interface TlsClientFiles {
  /** CA bundle the client verifies the server with (instead of the system's). */
  ca?: string;
  /** A client certificate and key, for a listener that requires one. */
  cert?: string;
  key?: string;
}

function pem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Options for https.createServer (and fastify's `https`). */
export function serverTlsOptions(files: TlsServerFiles): { cert: Buffer; key: Buffer; ca?: Buffer; requestCert: boolean; rejectUnauthorized: boolean; minVersion: 'TLSv1.2' } {
  const ca = files.clientCa ? pem(files.clientCa, '--tls-client-ca') : undefined;
  return {
    cert: pem(files.cert, '--tls-cert'),
    key: pem(files.key, '--tls-key'),
    ...(ca ? { ca } : {}),
    // A client without a certificate from the CA is refused in the handshake, before any request is read.
    requestCert: !!ca,
    rejectUnauthorized: !!ca,
    minVersion: 'TLSv1.2',
  };
}

export type TlsFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** fetch through a connection pool that trusts `ca` and presents the client certificate, if given. */
export function tlsFetch(files: TlsClientFiles): TlsFetch {
  const agent = new Agent({
    connect: {
      ...(files.ca ? { ca: pem(files.ca, '--tls-ca') } : {}),
      ...(files.cert && files.key ? { cert: pem(files.cert, '--tls-cert'), key: pem(files.key, '--tls-key') } : {}),
    },
  });
  return (url, init) => undiciFetch(url, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>;
}

/** A TLS failure said plainly (undici reports them as the cause of "fetch failed"). */
export function describeTlsError(code: string | undefined): string | undefined {
  switch (code) {
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `${code}: the server's certificate is not issued by a trusted CA (give its CA with --tls-ca / --ca-file)`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `${code}: the server's certificate does not name the host connected to`;
    case 'CERT_HAS_EXPIRED':
      return `${code}: the server's certificate has expired`;
    default:
      return undefined;
  }
}
