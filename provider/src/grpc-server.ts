// gRPC over HTTP/2 with node:http2: unary calls plus the two streams go-plugin opens and never uses. This
// is all the provider needs of gRPC; @grpc/grpc-js would double the launch time terraform pays three times
// per plan.
import http2 from 'node:http2';
import type { Codec, Descriptor } from './protobuf.js';
import type { Log } from './log.js';

export type Unary = (req: Record<string, unknown>) => Promise<Record<string, unknown>> | Record<string, unknown>;
export type Handlers = Record<string, Record<string, Unary | 'hold'>>;

export class GrpcError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}
export const UNIMPLEMENTED = 12;
const INTERNAL = 13;

/** Splits the length-prefixed gRPC frames of a request body (uncompressed only: we never accept gzip). */
export function unframe(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos + 5 <= body.length) {
    if (body[pos] !== 0) throw new GrpcError(UNIMPLEMENTED, 'compressed messages are not supported');
    const n = body.readUInt32BE(pos + 1);
    out.push(body.subarray(pos + 5, pos + 5 + n));
    pos += 5 + n;
  }
  return out;
}

export function frame(msg: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(msg.length, 1);
  return Buffer.concat([head, msg]);
}

export interface TlsMaterial {
  certPem: string;
  keyPem: string;
  clientCertPem?: string;
}

export function createGrpcServer(desc: Descriptor, codec: Codec, handlers: Handlers, tls: TlsMaterial | null, log: Log): http2.Http2Server {
  const onStream = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    const path = String(headers[':path'] ?? '');
    const [, service = '', method = ''] = path.split('/');
    const spec = desc.services[service]?.[method];
    const handler = handlers[service]?.[method];
    stream.on('error', () => {});
    const fail = (code: number, message: string) => {
      if (stream.destroyed || stream.closed) return;
      const h = { ':status': 200, 'content-type': 'application/grpc+proto', 'grpc-status': String(code), 'grpc-message': encodeURIComponent(message) };
      if (stream.headersSent) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      else stream.respond(h, { endStream: true });
    };
    if (!spec || !handler) {
      fail(UNIMPLEMENTED, `unknown method ${path}`);
      stream.resume();
      return;
    }
    if (handler === 'hold') {
      // Streams terraform keeps open for its whole session; answering headers is all it waits for.
      stream.respond({ ':status': 200, 'content-type': 'application/grpc+proto' });
      stream.resume();
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      void (async () => {
        try {
          const [msg] = unframe(Buffer.concat(chunks));
          const req = codec.decode(spec.in, msg ?? Buffer.alloc(0));
          const res = await handler(req);
          if (stream.destroyed || stream.closed) return;
          stream.respond({ ':status': 200, 'content-type': 'application/grpc+proto' }, { waitForTrailers: true });
          stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
          stream.end(frame(codec.encode(spec.out, res)));
        } catch (err) {
          log('error', `${path} failed`, { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
          fail(err instanceof GrpcError ? err.code : INTERNAL, err instanceof Error ? err.message : String(err));
        }
      })();
    });
  };
  const server = tls
    ? http2.createSecureServer({
        cert: tls.certPem,
        key: tls.keyPem,
        ...(tls.clientCertPem ? { ca: tls.clientCertPem, requestCert: true, rejectUnauthorized: true } : {}),
        ALPNProtocols: ['h2'],
      })
    : http2.createServer();
  server.on('stream', onStream);
  server.on('sessionError', (err) => log('debug', 'http2 session error', { error: String(err) }));
  return server;
}
