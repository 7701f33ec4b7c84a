// Boot files over HTTP (kernels, initramfs, per-node iPXE scripts), read-only and confined to the boot
// root: iPXE fetches the big files here rather than over TFTP. Range requests let a loader resume.
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { sendError } from './errors.js';
import { baseUrl, identParam, type HttpContext } from './context.js';
import type { ClusterView } from '../rpc/cluster.js';
import { serverTlsOptions, type TlsServerFiles } from '../secrets/tls.js';
import { CHAIN_SCRIPT_NAME, confine, macOfNodeScript, renderChainScript } from '../../contract/boot-root.js';

const TYPES: Record<string, string> = {
  '.ipxe': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.cfg': 'text/plain; charset=utf-8',
  '.json': 'application/json',
};

/** One byte range of `size` bytes (RFC 9110 §14.1.2), null if unsatisfiable, undefined if absent or multi. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, a, b] = m;
  if (a === '' && b === '') return undefined;
  let start: number;
  let end: number;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return null;
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return null;
  return { start, end };
}

async function serve(req: FastifyRequest, reply: FastifyReply, root: string): Promise<FastifyReply> {
  const rel = identParam(req, '*');
  const file = await confine(root, rel);
  if (!file) return sendError(reply, 404, `No boot file ${rel}`);
  reply.header('Accept-Ranges', 'bytes');
  reply.header('Last-Modified', file.mtime.toUTCString());
  reply.type(TYPES[extname(file.path)] ?? 'application/octet-stream');
  const range = parseRange(req.headers.range, file.size);
  if (range === null) {
    reply.header('Content-Range', `bytes */${file.size}`);
    return sendError(reply, 416, `Range ${req.headers.range} is not satisfiable for ${file.size} bytes`);
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? file.size - 1;
  if (range) reply.code(206).header('Content-Range', `bytes ${start}-${end}/${file.size}`);
  reply.header('Content-Length', String(file.size === 0 ? 0 : end - start + 1));
  if (req.method === 'HEAD' || file.size === 0) return reply.send();
  // 1 MiB reads: the default 64 KiB chunks cost a third of the throughput to a streaming agent (bench/deploy).
  return reply.send(createReadStream(file.path, { start, end, highWaterMark: 1 << 20 }));
}

/**
 * An API service in front of several managers holds no boot files: each manager serves those of the
 * nodes it owns. It answers the generic chain script itself (DHCP points every machine here) and sends a
 * machine's own script request to the manager that owns the machine's node (307, which iPXE follows).
 */
async function redirectToOwner(req: FastifyRequest, reply: FastifyReply, ctx: HttpContext, cluster: ClusterView): Promise<FastifyReply> {
  const rel = identParam(req, '*');
  if (rel === CHAIN_SCRIPT_NAME) return reply.type(TYPES['.ipxe']!).send(renderChainScript(baseUrl(req)));
  const mac = macOfNodeScript(rel);
  const port = mac ? await ctx.engine.store.findPortByAddress(mac) : undefined;
  const node = port ? await ctx.engine.store.findNode(port.node_uuid) : undefined;
  if (!node) return sendError(reply, 404, `No boot file ${rel} here: an API service serves only boot.ipxe and the scripts of enrolled nodes' MACs (the managers serve the rest)`);
  const { rings, live } = await cluster.current();
  const owner = rings.owner(node);
  const bootUrl = owner ? live.get(owner)?.boot_url : undefined;
  if (!bootUrl) return sendError(reply, 404, `No live manager serving boot files owns node ${node.uuid} (start managers with --boot-listen)`);
  return reply.code(307).header('Location', `${bootUrl.replace(/\/+$/, '')}/boot/${rel}`).send();
}

/** A manager's own boot file server (`ironplan manager --boot-listen`): its boot root, nothing else. */
export async function startBootServer(root: string, host: string, port: number, tls?: TlsServerFiles): Promise<{ app: FastifyInstance; url: string }> {
  const app = (tls ? Fastify({ logger: false, https: serverTlsOptions(tls) }) : Fastify({ logger: false })) as unknown as FastifyInstance;
  app.route({ method: ['GET', 'HEAD'], url: '/boot/*', exposeHeadRoute: false, handler: (req, reply) => serve(req, reply, root) });
  await app.listen({ host, port });
  const addr = app.server.address();
  return { app, url: `${tls ? 'https' : 'http'}://${host}:${typeof addr === 'object' && addr ? addr.port : port}` };
}

export function registerBootRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const cluster = ctx.engine.cluster;
  app.route({
    method: ['GET', 'HEAD'],
    url: '/boot/*',
    schema: { summary: 'Boot files (kernels, initramfs, iPXE scripts); no authentication; Range supported', tags: ['boot'] },
    // fastify would add a HEAD route for the GET; this one answers both itself.
    exposeHeadRoute: false,
    handler: (req, reply) => (cluster ? redirectToOwner(req, reply, ctx, cluster) : serve(req, reply, ctx.bootRoot)),
  });
}
