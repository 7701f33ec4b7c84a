// The TLS flags of the service processes, said once: what each listener presents and what each client trusts.
import type { Command } from 'commander';
import type { TlsClientFiles, TlsServerFiles } from '../secrets/tls.js';

export interface TlsFlags {
  tlsCert?: string;
  tlsKey?: string;
  tlsClientCa?: string;
  tlsCa?: string;
}

export function addTlsOptions(cmd: Command, listener: string, opts: { client?: boolean } = {}): Command {
  cmd
    .option('--tls-cert <pem>', `certificate (chain) ${listener} presents over HTTPS`)
    .option('--tls-key <pem>', 'private key of --tls-cert')
    .option('--tls-client-ca <pem>', `${listener} accepts only clients presenting a certificate from this CA (mutual TLS)`);
  if (listener === 'the API') cmd.option('--agent-listen <host:port>', "also serve the deploy agent's endpoints (lookup, heartbeat, boot files) over plain HTTP here, for ramdisks built without a CA (--ca-file) or iPXE firmware that cannot trust the service's CA");
  if (opts.client) cmd.option('--tls-ca <pem>', "CA bundle the managers' RPC certificates are verified with (this process presents --tls-cert/--tls-key to them)");
  return cmd;
}

/** The listener's files; both or neither of --tls-cert and --tls-key. */
export function tlsServerFiles(o: TlsFlags): TlsServerFiles | undefined {
  if (!o.tlsCert && !o.tlsKey) {
    if (o.tlsClientCa) throw new Error('--tls-client-ca needs --tls-cert and --tls-key');
    return undefined;
  }
  if (!o.tlsCert || !o.tlsKey) throw new Error('--tls-cert and --tls-key go together');
  return { cert: o.tlsCert, key: o.tlsKey, clientCa: o.tlsClientCa };
}

/** How this process reaches managers' RPC: trusting --tls-ca, presenting its own certificate. */
export function tlsClientFiles(o: TlsFlags): TlsClientFiles | undefined {
  if (!o.tlsCa) return undefined;
  return { ca: o.tlsCa, cert: o.tlsCert, key: o.tlsKey };
}
