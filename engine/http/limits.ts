// What one request may cost the service: body size, JSON nesting, header size, and how long a client may
// take to send its request (a slow client must not hold a connection, and so the server, for ever).
import type { ServerOptions as HttpServerOptions } from 'node:http';

export interface RequestLimits {
  /** Largest request body in bytes (413 beyond). Default 1 MiB. */
  bodyLimit?: number;
  /** Largest body for the routes that legitimately take big ones: whole fleets, config drives. Default 32 MiB. */
  largeBodyLimit?: number;
  /** Deepest JSON nesting accepted (400 naming the limit beyond). Default 64. */
  maxJsonDepth?: number;
  /** Largest request head (431 beyond). Default 16 KiB, node's. */
  maxHeaderSize?: number;
  /** Time a client has to send its headers. Default 10 s. */
  headersTimeoutMs?: number;
  /** Time a client has to send its whole request (not the reply: a ?wait or event stream may last). Default 60 s. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. Default 5 s (node's). */
  keepAliveTimeoutMs?: number;
}

export const DEFAULT_LIMITS: Required<RequestLimits> = {
  bodyLimit: 1024 * 1024,
  largeBodyLimit: 32 * 1024 * 1024,
  maxJsonDepth: 64,
  maxHeaderSize: 16 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
};

/** Routes whose bodies are big by nature: a fleet of thousands of nodes, a config drive (Ironic allows 64 MiB). */
export const LARGE_BODY_ROUTES = new Set(['PUT /v1/specs', 'POST /v1/plans/dry-run', 'PUT /v1/nodes/:ident/states/provision']);

export function serverLimitOptions(limits: Required<RequestLimits>): { bodyLimit: number; requestTimeout: number; keepAliveTimeout: number; http: HttpServerOptions } {
  return {
    bodyLimit: limits.bodyLimit,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeout: limits.headersTimeoutMs,
      // node checks the two timeouts above only this often (30 s by default): a slow client would get 30 s more.
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
  };
}

/**
 * How deep a JSON text nests, counted on the text (no recursion, so it cannot overflow the stack), or
 * Infinity as soon as it passes `limit`.
 */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return Infinity;
      if (depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}
