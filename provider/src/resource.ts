// What a resource or data source implements; provider.ts turns the protocol calls into these.
import type { IronicClient } from './client.js';
import type { Block } from './cty.js';
import { err, type Diagnostic, type PathStep } from './diag.js';
import { parseDuration } from './duration.js';
import type { Log } from './log.js';
import { isObj, type Obj, type Value } from './values.js';

export interface Ctx {
  client(): IronicClient;
  log: Log;
}

export interface PlanResult {
  planned: Obj;
  requiresReplace?: PathStep[][];
  diagnostics?: Diagnostic[];
}

/** What terraform says it can do (ClientCapabilities). */
export interface ClientCaps {
  /** terraform >= 1.11: write-only attributes are kept out of state. */
  writeOnlyAttributesAllowed: boolean;
}

export interface Resource {
  block: Block;
  version?: number;
  validate(config: Obj, caps?: ClientCaps): Diagnostic[];
  plan(ctx: Ctx, prior: Obj | null, config: Obj): Promise<PlanResult> | PlanResult;
  /** `config` is where write-only values are (they are null in `planned`). */
  create(ctx: Ctx, planned: Obj, config?: Obj): Promise<Obj>;
  update(ctx: Ctx, prior: Obj, planned: Obj, config?: Obj): Promise<Obj>;
  delete(ctx: Ctx, prior: Obj): Promise<void>;
  /** The current state, or null when the object is gone (terraform then drops it from state). */
  read(ctx: Ctx, state: Obj): Promise<Obj | null>;
  import?(ctx: Ctx, id: string): Promise<Obj>;
}

export interface DataSource {
  block: Block;
  validate(config: Obj): Diagnostic[];
  read(ctx: Ctx, config: Obj): Promise<Obj>;
}

/** A failed apply that still created something: terraform records the state (tainted on create). */
export class PartialApply extends Error {
  constructor(readonly state: Obj, readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.summary).join('; '));
  }
}

const DEFAULT_TIMEOUTS = { create: 30 * 60_000, update: 30 * 60_000, delete: 30 * 60_000 };

/** The deadline (epoch ms) of an operation under the resource's `timeouts` block. */
export function deadlineFor(state: Obj, op: keyof typeof DEFAULT_TIMEOUTS): number {
  const t = state.timeouts;
  const v = isObj(t) ? t[op] : null;
  return Date.now() + (typeof v === 'string' ? parseDuration(v) : DEFAULT_TIMEOUTS[op]);
}

export function validateTimeouts(config: Obj, out: Diagnostic[]): void {
  const t = config.timeouts;
  if (!isObj(t)) return;
  for (const op of ['create', 'update', 'delete']) {
    const v = t[op] as Value;
    if (typeof v !== 'string') continue;
    try {
      parseDuration(v);
    } catch (e) {
      out.push(err('Invalid timeout', (e as Error).message, ['timeouts', op]));
    }
  }
}
