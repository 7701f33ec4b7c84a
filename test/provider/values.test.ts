// Unit tests: msgpack values (unknowns, refined unknowns, numbers), conformance to a schema, the protobuf
// codec, and the certificate.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import descriptor from '../../provider/src/generated/descriptor.json' with { type: 'json' };
import { makeServerCert } from '../../provider/src/cert.js';
import { conform, type Block } from '../../provider/src/cty.js';
import { parseDuration } from '../../provider/src/duration.js';
import { plannedState, settle } from '../../provider/src/planning.js';
import { Codec, type Descriptor } from '../../provider/src/protobuf.js';
import { fromMsgpack, toMsgpack, UNKNOWN } from '../../provider/src/values.js';
import { stringMap, typedMap } from '../../provider/src/convert.js';
import { frame, unframe } from '../../provider/src/grpc-server.js';

const block: Block = {
  attributes: [
    { name: 'id', type: 'string', computed: true },
    { name: 'name', type: 'string', required: true },
    { name: 'count', type: 'number', optional: true },
    { name: 'flag', type: 'bool', optional: true, computed: true, default: false },
    { name: 'tags', type: ['set', 'string'], optional: true },
    { name: 'ports', optional: true, nested: { nesting: 'list', attributes: [{ name: 'address', type: 'string', required: true }, { name: 'pxe', type: 'bool', optional: true, computed: true, default: true }] } },
  ],
  blocks: [{ typeName: 'timeouts', nesting: 'single', block: { attributes: [{ name: 'create', type: 'string', optional: true }] } }],
};

describe('msgpack values', () => {
  it('encodes unknown as extension 0 and null as nil', () => {
    expect(toMsgpack(UNKNOWN).toString('hex')).toBe('d40000');
    expect(toMsgpack(null).toString('hex')).toBe('c0');
    expect(fromMsgpack(Buffer.from('d40000', 'hex'))).toBe(UNKNOWN);
  });
  it('reads refined unknowns (extension 12) and any other extension as unknown', () => {
    // ext 12 with a msgpack map payload {1: false} (not null)
    expect(fromMsgpack(Buffer.from('c7030c8101c2', 'hex'))).toBe(UNKNOWN);
    expect(fromMsgpack(Buffer.from('d40500', 'hex'))).toBe(UNKNOWN);
  });
  it('round-trips objects with unknowns inside', () => {
    const v = { a: 'x', b: 1.5, c: [UNKNOWN, true], d: null };
    expect(fromMsgpack(toMsgpack(v))).toEqual(v);
  });
  it('reads big numbers sent as decimal strings', () => {
    expect(conform({ name: 'n', count: '12345678901234567890' }, block)).toMatchObject({ count: 12345678901234567890 });
  });
});

describe('conform', () => {
  it('gives every attribute and block, null where unset, dropping unknown keys', () => {
    expect(conform({ name: 'n', stale: 1 }, block)).toEqual({ id: null, name: 'n', count: null, flag: null, tags: null, ports: null, timeouts: null });
  });
  it('conforms nested attributes element by element', () => {
    expect(conform({ name: 'n', ports: [{ address: 'aa' }] }, block)).toMatchObject({ ports: [{ address: 'aa', pxe: null }] });
  });
});

describe('planning', () => {
  it('plans computed values unknown on create and fills defaults, also in nested attributes', () => {
    const p = plannedState(block, conform({ name: 'n', ports: [{ address: 'aa' }] }, block) as never, null);
    expect(p).toMatchObject({ id: UNKNOWN, flag: false, ports: [{ address: 'aa', pxe: true }] });
  });
  it('keeps prior computed values on update, even null ones', () => {
    const prior = conform({ id: 'u1', name: 'n', flag: true }, block) as never;
    const p = plannedState(block, conform({ name: 'm' }, block) as never, prior);
    expect(p).toMatchObject({ id: 'u1', name: 'm', flag: false });
  });
  it('settles unknowns from the applied result but never a known planned value', () => {
    expect(settle({ id: UNKNOWN, name: 'n' }, { id: 'u', name: 'other' })).toEqual({ id: 'u', name: 'n' });
  });
});

describe('map(string) conversion', () => {
  const fields = (k: string) => (k === 'cpus' ? { type: 'integer' } : k === 'ok' ? { type: 'boolean' } : undefined);
  it('converts to the schema types on the way out, with the attribute path on errors', () => {
    expect(typedMap({ cpus: '4', ok: 'true', arch: 'x86_64' }, fields, ['properties'])).toEqual({ cpus: 4, ok: true, arch: 'x86_64' });
    expect(() => typedMap({ cpus: 'four' }, fields, ['properties'])).toThrow(/not an integer/);
  });
  it('keeps the prior spelling of an equal value so it is not drift', () => {
    expect(stringMap({ cpus: 4, extra: { a: 1 } }, { cpus: '04' }, fields)).toEqual({ cpus: '04', extra: '{"a":1}' });
    expect(stringMap({}, null, fields)).toBeNull();
  });
});

describe('protobuf codec', () => {
  const codec = new Codec(structuredClone(descriptor) as unknown as Descriptor);
  it('round-trips a diagnostic with an attribute path (oneof members kept even when zero)', () => {
    const msg = { diagnostics: [{ severity: 1, summary: 's', detail: '', attribute: { steps: [{ attribute_name: 'ports' }, { element_key_int: 0 }, { element_key_string: 'k' }] } }] };
    const buf = codec.encode('tfplugin6.ValidateResourceConfig.Response', msg);
    const back = codec.decode('tfplugin6.ValidateResourceConfig.Response', buf) as typeof msg;
    expect(back.diagnostics[0]!.attribute.steps).toEqual([
      { attribute_name: 'ports', element_key_string: null, element_key_int: null },
      { attribute_name: null, element_key_string: null, element_key_int: 0 },
      { attribute_name: null, element_key_string: 'k', element_key_int: null },
    ]);
  });
  it('encodes maps of messages and bytes', () => {
    const buf = codec.encode('tfplugin6.GetProviderSchema.Response', { resource_schemas: { x: { version: 2, block: { attributes: [{ name: 'a', type: Buffer.from('"string"'), required: true }] } } } });
    const back = codec.decode('tfplugin6.GetProviderSchema.Response', buf) as { resource_schemas: Record<string, { version: number; block: { attributes: Array<{ name: string; type: Buffer; required: boolean }> } }> };
    expect(back.resource_schemas.x!.version).toBe(2);
    expect(back.resource_schemas.x!.block.attributes[0]!.type.toString()).toBe('"string"');
    expect(back.resource_schemas.x!.block.attributes[0]!.required).toBe(true);
  });
  it('frames and unframes gRPC messages', () => {
    const m = Buffer.from('hello');
    expect(unframe(Buffer.concat([frame(m), frame(Buffer.alloc(0))]))).toEqual([m, Buffer.alloc(0)]);
  });
});

describe('handshake certificate', () => {
  it('is a self-signed CA for localhost with serverAuth, as go-plugin checks', () => {
    const c = makeServerCert();
    const x = new X509Certificate(c.certPem);
    expect(x.ca).toBe(true);
    expect(x.checkHost('localhost')).toBe('localhost');
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });
});

describe('durations', () => {
  it('reads Go durations', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('45s')).toBe(45_000);
    expect(() => parseDuration('10 minutes')).toThrow(/not a duration/);
  });
});
