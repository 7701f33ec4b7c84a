// Collections as Ironic pages them: at most `limit` items (default and ceiling 1000), a `marker` naming the
// last item seen, and a `next` link whenever a page came back full.
import type { FastifyRequest } from 'fastify';
import { EngineError } from '../errors.js';
import { param, type Query } from './context.js';

export const MAX_LIMIT = 1000;

export interface Page {
  limit: number;
  marker?: string;
  sort_key?: string;
  sort_dir?: 'asc' | 'desc';
}

export function pageParams(req: FastifyRequest, sortKeys: readonly string[]): Page {
  const rawLimit = param(req, 'limit');
  let limit = MAX_LIMIT;
  if (rawLimit !== undefined && rawLimit !== '') {
    limit = Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 0) throw new EngineError('InvalidParameter', `limit: "${rawLimit}" must be a positive integer`, 'limit');
    if (limit === 0 || limit > MAX_LIMIT) limit = MAX_LIMIT;
  }
  const sortKey = param(req, 'sort_key');
  if (sortKey !== undefined && !sortKeys.includes(sortKey)) {
    throw new EngineError('InvalidParameter', `The sort_key value "${sortKey}" is an invalid field for sorting (valid: ${sortKeys.join(', ')})`, 'sort_key');
  }
  const sortDir = param(req, 'sort_dir');
  if (sortDir !== undefined && sortDir !== 'asc' && sortDir !== 'desc') {
    throw new EngineError('InvalidParameter', `Invalid sort direction: ${sortDir}. Acceptable values are 'asc' or 'desc'`, 'sort_dir');
  }
  return { limit, marker: param(req, 'marker') || undefined, sort_key: sortKey, sort_dir: sortDir as Page['sort_dir'] };
}

/** The link to the next page: the same query with the marker moved to the last item returned. */
export function nextLink(base: string, path: string, req: FastifyRequest, items: Array<{ uuid: string }>, limit: number): string | undefined {
  if (items.length < limit || items.length === 0) return undefined;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries((req.query as Query) ?? {})) {
    if (k === 'marker' || k === 'limit' || v === undefined) continue;
    q.set(k, Array.isArray(v) ? v[0]! : v);
  }
  q.set('limit', String(limit));
  q.set('marker', items[items.length - 1]!.uuid);
  return `${base}${path}?${q.toString()}`;
}
