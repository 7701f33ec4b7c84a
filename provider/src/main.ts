// The provider executable: go-plugin's handshake, then the gRPC services. Everything the handshake does
// not need (the provider logic, the HTTP client) is loaded on the first call, after terraform is told
// where to connect.
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import descriptor from './generated/descriptor.json' with { type: 'json' };
import { makeServerCert } from './cert.js';
import { createGrpcServer, type Handlers, type Unary } from './grpc-server.js';
import { makeLog } from './log.js';
import { Codec, type Descriptor } from './protobuf.js';

const COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
const COOKIE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const PROTOCOL = 6;

function main(): void {
  const env = process.env;
  if (env[COOKIE_KEY] !== COOKIE) {
    process.stderr.write(
      'This binary is a plugin. These are not meant to be executed directly.\n' +
        'It is the ironplan Terraform provider: terraform runs it. Install it as provider/README.md describes\n' +
        '(npm run provider:install, or dev_overrides) and run terraform.\n',
    );
    process.exit(1);
  }
  const versions = (env.PLUGIN_PROTOCOL_VERSIONS ?? String(PROTOCOL)).split(',').map((v) => v.trim());
  if (!versions.includes(String(PROTOCOL))) {
    process.stderr.write(`terraform offers plugin protocol versions ${versions.join(', ')}; this provider speaks ${PROTOCOL} only (terraform 1.0 or later).\n`);
    process.exit(1);
  }
  const log = makeLog();
  const desc = descriptor as unknown as Descriptor;
  const codec = new Codec(desc);
  const stop = new AbortController();

  let service: Promise<Record<string, Unary>> | null = null;
  const load = () => (service ??= import('./provider.js').then((m) => m.makeProviderService({ log, env, stop })));
  const lazy = (name: string): Unary => async (req) => (await load())[name]!(req);
  const providerMethods = Object.fromEntries(Object.keys(desc.services['tfplugin6.Provider']!).map((m) => [m, lazy(m)]));

  const socket = join(tmpdir(), `plugin${randomBytes(6).toString('hex')}`);
  const cleanup = () => {
    try {
      unlinkSync(socket);
    } catch {
      // already gone
    }
  };
  process.on('exit', cleanup);
  // terraform stops providers with StopProvider and Shutdown; Ctrl-C reaches us too and must not kill us.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => process.exit(0));

  const handlers: Handlers = {
    'tfplugin6.Provider': providerMethods,
    'plugin.GRPCStdio': { StreamStdio: 'hold' },
    'plugin.GRPCBroker': { StartStream: 'hold' },
    'plugin.GRPCController': {
      Shutdown: () => {
        setTimeout(() => process.exit(0), 20);
        return {};
      },
    },
  };
  const clientCert = env.PLUGIN_CLIENT_CERT;
  const cert = clientCert ? makeServerCert() : null;
  const server = createGrpcServer(desc, codec, handlers, cert ? { certPem: cert.certPem, keyPem: cert.keyPem, clientCertPem: clientCert } : null, log);
  server.listen(socket, () => {
    // Standard base64 without padding: go-plugin decodes it with RawStdEncoding.
    const certField = cert ? cert.der.toString('base64').replace(/=+$/, '') : '';
    process.stdout.write(`1|${PROTOCOL}|unix|${socket}|grpc|${certField}\n`);
    // Loads the provider logic while terraform connects, instead of on its first call.
    setImmediate(() => void load());
  });
}

main();
