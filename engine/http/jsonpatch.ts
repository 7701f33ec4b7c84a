// RFC 6902 JSON Patch, applied to a copy of a resource's API representation (Ironic's PATCH semantics).
import { EngineError } from '../errors.js';

export interface PatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

type Json = unknown;
type Container = Record<string, Json> | Json[];

const bad = (message: string, field = 'patch') => new EngineError('InvalidParameter', message, field);

export function parsePointer(path: unknown): string[] {
  if (typeof path !== 'string' || !path.startsWith('/')) throw bad(`Invalid patch path ${JSON.stringify(path)}: a JSON pointer starting with "/" is expected.`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Checks a request body is a list of operations, naming the first malformed one. */
export function asPatch(body: unknown): PatchOp[] {
  if (!Array.isArray(body)) throw bad('A JSON Patch (a list of operations) is expected.');
  body.forEach((op, i) => {
    const o = op as Partial<PatchOp> | null;
    if (!o || typeof o !== 'object') throw bad(`patch[${i}]: an operation object is expected.`);
    if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(String(o.op))) throw bad(`patch[${i}].op: "${String(o.op)}" is not one of add, remove, replace, move, copy, test.`);
    parsePointer(o.path);
    if ((o.op === 'add' || o.op === 'replace' || o.op === 'test') && !('value' in o)) throw bad(`patch[${i}]: "${o.op}" on ${o.path} needs a value.`);
    if ((o.op === 'move' || o.op === 'copy') && typeof o.from !== 'string') throw bad(`patch[${i}]: "${o.op}" on ${o.path} needs "from".`);
  });
  return body as PatchOp[];
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function parentOf(doc: Json, tokens: string[], path: string): { parent: Container; key: string } {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') throw bad(`Invalid patch path ${path}: ${t} does not exist.`, path);
    cur = Array.isArray(cur) ? cur[Number(t)] : (cur as Record<string, Json>)[t];
    if (cur === undefined) throw bad(`Invalid patch path ${path}: ${t} does not exist.`, path);
  }
  if (cur === null || typeof cur !== 'object') throw bad(`Invalid patch path ${path}: its parent is not an object.`, path);
  return { parent: cur as Container, key: tokens[tokens.length - 1]! };
}

function get(doc: Json, path: string): Json {
  let cur: Json = doc;
  for (const t of parsePointer(path)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(t)] : (cur as Record<string, Json>)[t];
  }
  return cur;
}

function arrayIndex(arr: Json[], key: string, path: string, forInsert: boolean): number {
  if (forInsert && key === '-') return arr.length;
  const i = Number(key);
  const max = forInsert ? arr.length : arr.length - 1;
  if (!/^\d+$/.test(key) || i > max) throw bad(`Invalid patch path ${path}: index ${key} is out of range.`, path);
  return i;
}

function add(doc: Json, path: string, value: Json): Json {
  const tokens = parsePointer(path);
  if (path === '') return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, true), 0, value);
  else parent[key] = value;
  return doc;
}

function remove(doc: Json, path: string): Json {
  const { parent, key } = parentOf(doc, parsePointer(path), path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, false), 1);
  else {
    if (!(key in parent)) throw bad(`Can't remove non-existent object '${key}' (path ${path}).`, path);
    delete parent[key];
  }
  return doc;
}

/** Applies the operations in order to a copy of `doc`; the original is never changed. */
export function applyPatch<T>(doc: T, ops: PatchOp[]): T {
  let out: Json = clone(doc);
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        out = add(out, op.path, clone(op.value));
        break;
      case 'remove':
        out = remove(out, op.path);
        break;
      case 'replace':
        if (get(out, op.path) === undefined) throw bad(`Can't replace non-existent object '${parsePointer(op.path).at(-1)}' (path ${op.path}).`, op.path);
        out = add(remove(out, op.path), op.path, clone(op.value));
        break;
      case 'move': {
        const v = get(out, op.from!);
        if (v === undefined) throw bad(`Invalid patch "from" ${op.from}: it does not exist.`, op.from);
        out = add(remove(out, op.from!), op.path, v);
        break;
      }
      case 'copy': {
        const v = get(out, op.from!);
        if (v === undefined) throw bad(`Invalid patch "from" ${op.from}: it does not exist.`, op.from);
        out = add(out, op.path, clone(v));
        break;
      }
      case 'test':
        if (JSON.stringify(get(out, op.path)) !== JSON.stringify(op.value)) throw bad(`Patch test failed: ${op.path} does not hold ${JSON.stringify(op.value)}.`, op.path);
        break;
    }
  }
  return out as T;
}

/** The request's JSON Patch, each operation on one of `allowed` top-level fields (400 naming the path otherwise). */
export function patchOf(body: unknown, allowed: readonly string[]): PatchOp[] {
  const ops = asPatch(body);
  for (const op of ops) {
    if (!allowed.includes(parsePointer(op.path)[0]!)) {
      throw new EngineError('InvalidParameter', `Cannot patch ${op.path}. Only the following can be updated: ${allowed.join(', ')}`, op.path);
    }
  }
  return ops;
}
