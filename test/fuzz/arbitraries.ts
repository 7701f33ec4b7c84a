// fast-check arbitraries for hostile input, shared by the HTTP, agent and fleet-file fuzzers: values of the
// wrong type, strings that try path traversal or injection, very deep and very large documents.
import fc from 'fast-check';

/** Strings an attacker (or a broken client) sends where a name, id or path is expected. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '../../etc/passwd', '..%2f..%2fetc%2fpasswd', '%2e%2e/%2e%2e/etc/shadow', '....//....//etc/passwd', '/etc/passwd',
    '..\\..\\windows\\win.ini', '%00', 'a%00b', '%', '%zz', '%ff%fe', '\u0000', ' ', '', 'null', 'undefined', 'true', '-1',
    '1e309', 'NaN', '__proto__', 'constructor', 'prototype', '${7*7}', "' OR 1=1 --", '<script>alert(1)</script>', 'ü',
    '\ud83d\ude00', '\ud800', 'a'.repeat(300), 'x'.repeat(70_000), '~0~1', '/', '//', '.', '..',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** Any JSON value, biased towards the shapes that break code expecting another: wrong types, huge numbers. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53 + 2, -(2 ** 63), 1e308, [], {}, [[[]]], { '': null }),
  fc.constantFrom({ __proto__: { polluted: true } }, JSON.parse('{"__proto__": {"polluted": true}}'), { constructor: { prototype: { polluted: 1 } } }),
);

/** JSON text nested `depth` levels deep (arrays or objects): what blows a recursive walker's stack. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export const deepBody: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(fc.integer({ min: 30, max: 200 }), fc.integer({ min: 1000, max: 20_000 })), fc.constantFrom('array', 'object') as fc.Arbitrary<'array' | 'object'>)
  .map(([d, k]) => deepJson(d, k));

/** JSON Patch documents, valid-looking and not: unknown ops, missing members, pointers to anywhere. */
export const jsonPatch: fc.Arbitrary<unknown> = fc.array(
  fc.record(
    {
      op: fc.oneof(fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus', ''), anyJson),
      path: fc.oneof(
        fc.constantFrom('/name', '/driver_info/ipmi_password', '/driver_info', '/extra/a', '/extra/a/b/c', '/properties', '/', '', '~', '/extra/~2',
          '/instance_info/image_source', '/uuid', '/provision_state', '/traits/0', '/traits/-', '/extra/-', '/chassis_uuid', '/node_uuid',
          '/address', '/driver', '/resource_class', '/maintenance', '/extra/__proto__/polluted', '/description', '/mode', '/properties/cpus/0'),
        hostileString,
        anyJson,
      ),
      value: anyJson,
      from: fc.oneof(fc.constantFrom('/extra', '/name', '/driver_info/ipmi_password'), hostileString),
    },
    { requiredKeys: [] },
  ),
  { maxLength: 4 },
);

/** A template with one member replaced by a hostile value, another added or removed. */
export function mutated(template: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(template);
  return fc
    .tuple(fc.constantFrom(...keys, '__extra__'), anyJson, fc.boolean(), fc.constantFrom(...keys))
    .map(([key, value, drop, other]) => {
      const out: Record<string, unknown> = structuredClone(template);
      out[key === '__extra__' ? 'unexpected_field' : key] = value;
      if (drop && other !== key) delete out[other];
      return out;
    });
}

/** Values of X-OpenStack-Ironic-API-Version: in range, out of it, malformed. */
export const microversion: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(undefined, 'latest', 'latest', '1.1', '1.5', '1.22', '1.31', '1.37', '1.37') },
  fc.constantFrom('1.0', '1.38', '1.999999999999999999999', '2.1', '0.1', '-1.5', '1.', '.1', '1', '1.37.1', 'LATEST', ' 1.5', '1.05', '1.5 ', 'abc', '1,5', 'v1.5', '1.5\t'),
  fc.string({ maxLength: 12 }),
) as fc.Arbitrary<string | undefined>;
