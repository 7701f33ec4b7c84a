// The console: the static assets `npm run build` puts in dist/ui/, served at /ui/. Client routes
// (/ui/nodes/…) get index.html so a reload or a shared link opens the same page. Files are read from
// one directory only: the path is resolved and must stay inside it (no `..`, no absolute escapes).
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
};

/**
 * The page may load only its own files and talk only to this service: an injected script (a node name
 * is user data) could neither load code from elsewhere nor send a token away.
 */
const CSP = "default-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** dist/ui beside the compiled server (dist/engine/http → dist/ui), or the build output when run from source. */
export function defaultUiRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [resolve(here, '../../ui'), resolve(here, '../../dist/ui')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[1]!;
}

/** The file a URL path names inside root, or undefined when it would leave root. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (rel.includes('\0')) return undefined;
  const full = resolve(root, '.' + (rel.startsWith('/') ? rel : `/${rel}`));
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : undefined;
}

async function fileAt(path: string | undefined): Promise<string | undefined> {
  if (!path) return undefined;
  try {
    return (await stat(path)).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

export function registerUiRoutes(app: FastifyInstance, root = defaultUiRoot()): void {
  const base = resolve(root);
  const send = async (reply: FastifyReply, file: string, head: boolean) => {
    const body = await readFile(file);
    // Bundles carry a content hash in their name: cache them for good. index.html names the current ones: never cache it.
    const hashed = /-[A-Z0-9]{8}\.(js|css)$/.test(file);
    reply
      .type(TYPES[extname(file)] ?? 'application/octet-stream')
      .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('content-length', body.length);
    if (extname(file) === '.html') reply.header('content-security-policy', CSP);
    return reply.send(head ? undefined : body);
  };

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const rest = (req.params as Record<string, string>)['*'] ?? '';
    const index = join(base, 'index.html');
    if (!(await fileAt(index))) {
      return reply.code(404).type('text/plain; charset=utf-8').send('The console is not built: run `npm run build` (it writes dist/ui/).\n');
    }
    const head = req.method === 'HEAD';
    const path = rest.split('?')[0]!;
    if (path === '') return send(reply, index, head);
    const target = resolveInside(base, path);
    if (!target) return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
    const file = await fileAt(target);
    if (file) return send(reply, file, head);
    // A missing asset is a 404; any other path is a client route, answered with the page.
    if (extname(path)) return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
    return send(reply, index, head);
  };
  const schema = { hide: true };
  // Browsers ask for /favicon.ico by themselves, without the token, beside any page of the service (the
  // JSON of /v1, an error): no content, cached for a day, rather than a 401 or 404 in the log each time.
  // The console's own page names no icon (index.html links an empty data: URL).
  app.get('/favicon.ico', { schema }, async (_req, reply) => reply.code(204).header('cache-control', 'public, max-age=86400').send());
  // Assets are named by absolute /ui/… URLs, so /ui and /ui/ are the same page (the router ignores trailing slashes).
  app.get('/ui', { schema }, handler);
  app.get('/ui/*', { schema }, handler);
}
