// GET /v1/conductors answers the shape schemas/conductor.schema.json describes (the console reads it
// through the generated type), in the short and the detailed form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedAjv } from '../../engine/validation.js';
import { startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const valid = (body: unknown) => {
  const ok = sharedAjv().validate('conductor.schema.json', body);
  return ok ? 'valid' : JSON.stringify(sharedAjv().errors);
};

describe('the conductor shape', () => {
  it('describes the list, short and detailed, and one manager', async () => {
    for (const url of ['/v1/conductors', '/v1/conductors?detail=true']) {
      const list = (await h.call({ url })).body.conductors as unknown[];
      expect(list.length).toBe(1);
      for (const c of list) expect(valid(c)).toBe('valid');
    }
    const one = (await h.call({ url: '/v1/conductors?detail=true' })).body.conductors[0];
    expect(one.drivers).toContain('fake-hardware');
    const shown = await h.call({ url: `/v1/conductors/${encodeURIComponent(one.hostname)}` });
    expect(valid(shown.body)).toBe('valid');
    // A field the schema does not name would be refused: the schema says what is there, no more.
    expect(valid({ ...one, extra_field: 1 })).not.toBe('valid');
  });
});
