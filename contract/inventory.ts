// The inventory inspection records (schemas/inventory.schema.json), as every inspect interface checks
// what it found before handing it on.
import { describeError, validator } from './validation.js';
import type { Inventory } from './generated/inventory.js';

const isInventory = validator('inventory.schema.json');

/** The inventory, or the first field it lacks or has wrong ("inventory.cpus: must be ..."). */
export function checkInventory(found: unknown): { inventory: Inventory } | { problem: string } {
  if (isInventory(found)) return { inventory: found as Inventory };
  const { field, message } = describeError(isInventory.errors![0]!, 'inventory');
  return { problem: `${field}: ${message}` };
}
