import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { Fleet } from './generated/fleet.js';
import { assertValid } from './validation.js';
import { EngineError } from './errors.js';

/** Reads a fleet file (YAML or JSON) and checks it against schemas/fleet.schema.json. */
export async function readFleetFile(path: string): Promise<Fleet> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new EngineError('InvalidParameter', `cannot read ${path}: ${(err as Error).message}`, 'file');
  }
  let doc: unknown;
  try {
    doc = parse(text) ?? {};
  } catch (err) {
    throw new EngineError('InvalidParameter', `${path} is not valid YAML/JSON: ${(err as Error).message}`, 'file');
  }
  return assertValid<Fleet>('fleet.schema.json', doc);
}
