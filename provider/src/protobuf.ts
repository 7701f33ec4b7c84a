// A small proto3 codec driven by the build-time descriptor (scripts/provider-descriptor.mjs). The provider
// uses a handful of scalar kinds only; a general library costs more start-up than the whole handshake.
export interface FieldDesc {
  name: string;
  id: number;
  type?: string;
  map?: string;
  repeated?: boolean;
  oneof?: boolean;
}
export interface Descriptor {
  messages: Record<string, FieldDesc[]>;
  services: Record<string, Record<string, { in: string; out: string; stream: boolean }>>;
}

type Msg = Record<string, unknown>;
const SCALAR_DEFAULTS: Record<string, () => unknown> = {
  string: () => '',
  bytes: () => Buffer.alloc(0),
  bool: () => false,
  int64: () => 0,
  uint64: () => 0,
  int32: () => 0,
  uint32: () => 0,
  enum: () => 0,
};
const VARINT_KINDS = new Set(['bool', 'int64', 'uint64', 'int32', 'uint32', 'enum']);

class Writer {
  private chunks: Buffer[] = [];
  private len = 0;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.len += b.length;
  }
  varint(n: number): void {
    const bytes: number[] = [];
    // Negative int64 values are ten bytes of two's complement; BigInt keeps that exact.
    let v = n < 0 ? BigInt.asUintN(64, BigInt(n)) : BigInt(n);
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      bytes.push(byte);
    } while (v > 0n);
    this.push(Buffer.from(bytes));
  }
  tag(id: number, wire: number): void {
    this.varint(id * 8 + wire);
  }
  bytes(b: Buffer): void {
    this.varint(b.length);
    this.push(b);
  }
  finish(): Buffer {
    return Buffer.concat(this.chunks, this.len);
  }
}

export class Codec {
  // Kept here, not in the descriptor, which may be shared (the JSON module every import of it sees).
  private readonly byId = new Map<string, Map<number, FieldDesc>>();
  private readonly mapEntries = new Map<string, FieldDesc[]>();
  constructor(private readonly d: Descriptor) {}

  encode(type: string, msg: Msg | null | undefined): Buffer {
    const w = new Writer();
    if (msg) this.write(w, type, msg);
    return w.finish();
  }

  decode(type: string, buf: Buffer): Msg {
    return this.read(type, buf, 0, buf.length);
  }

  private fields(type: string): FieldDesc[] {
    const f = this.d.messages[type] ?? this.mapEntries.get(type);
    if (!f) throw new Error(`unknown message type ${type}`);
    return f;
  }

  private fieldsById(type: string): Map<number, FieldDesc> {
    let m = this.byId.get(type);
    if (!m) this.byId.set(type, (m = new Map(this.fields(type).map((f) => [f.id, f]))));
    return m;
  }

  private write(w: Writer, type: string, msg: Msg): void {
    for (const f of this.fields(type)) {
      const v = msg[f.name];
      if (v === undefined || v === null) continue;
      if (f.map) {
        for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
          const entry = new Writer();
          entry.tag(1, 2);
          entry.bytes(Buffer.from(k, 'utf8'));
          this.writeValue(entry, 2, f.map, val, true);
          w.tag(f.id, 2);
          w.bytes(entry.finish());
        }
      } else if (f.repeated) {
        for (const item of v as unknown[]) this.writeValue(w, f.id, f.type!, item, true);
      } else this.writeValue(w, f.id, f.type!, v, !!f.oneof);
    }
  }

  /** proto3 leaves default scalars off the wire, except where presence matters (oneof, repeated, map). */
  private writeValue(w: Writer, id: number, kind: string, v: unknown, always: boolean): void {
    if (kind === 'string') {
      if (!always && v === '') return;
      w.tag(id, 2);
      w.bytes(Buffer.from(String(v), 'utf8'));
    } else if (kind === 'bytes') {
      const b = Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array);
      if (!always && b.length === 0) return;
      w.tag(id, 2);
      w.bytes(b);
    } else if (VARINT_KINDS.has(kind)) {
      const n = typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
      if (!always && n === 0) return;
      w.tag(id, 0);
      w.varint(n);
    } else {
      w.tag(id, 2);
      const inner = new Writer();
      this.write(inner, kind, v as Msg);
      w.bytes(inner.finish());
    }
  }

  private read(type: string, buf: Buffer, start: number, end: number): Msg {
    const fields = this.fields(type);
    const byId = this.fieldsById(type);
    const out: Msg = {};
    for (const f of fields) {
      if (f.map) out[f.name] = {};
      else if (f.repeated) out[f.name] = [];
      else if (!f.oneof && SCALAR_DEFAULTS[f.type!]) out[f.name] = SCALAR_DEFAULTS[f.type!]!();
      else out[f.name] = null;
    }
    let pos = start;
    const varint = (): number => {
      let result = 0n;
      let shift = 0n;
      for (;;) {
        if (pos >= end) throw new Error('truncated varint');
        const b = buf[pos++]!;
        result |= BigInt(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
        shift += 7n;
      }
      return Number(BigInt.asIntN(64, result));
    };
    while (pos < end) {
      const key = varint();
      const id = Math.floor(key / 8);
      const wire = key & 7;
      const f = byId.get(id);
      let value: unknown;
      let sub: [number, number] | undefined;
      if (wire === 0) value = varint();
      else if (wire === 2) {
        const len = varint();
        sub = [pos, pos + len];
        pos += len;
      } else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else throw new Error(`unsupported wire type ${wire}`);
      if (!f) continue;
      const kind = f.map ?? f.type!;
      if (f.map) {
        const [s, e] = sub!;
        const entry = this.readMapEntry(buf, s, e, kind);
        (out[f.name] as Record<string, unknown>)[entry[0]] = entry[1];
        continue;
      }
      const decoded = this.convert(kind, value, buf, sub);
      if (f.repeated) (out[f.name] as unknown[]).push(decoded);
      else out[f.name] = decoded;
    }
    return out;
  }

  private convert(kind: string, value: unknown, buf: Buffer, sub?: [number, number]): unknown {
    if (kind === 'string') return buf.toString('utf8', sub![0], sub![1]);
    if (kind === 'bytes') return Buffer.from(buf.subarray(sub![0], sub![1]));
    if (kind === 'bool') return value !== 0;
    if (VARINT_KINDS.has(kind)) return value;
    return this.read(kind, buf, sub![0], sub![1]);
  }

  private readMapEntry(buf: Buffer, start: number, end: number, valueKind: string): [string, unknown] {
    // A map entry is a message {1: key, 2: value}; reading it as such keeps one decoder.
    const synthetic = `map-entry:${valueKind}`;
    if (!this.mapEntries.has(synthetic)) {
      this.mapEntries.set(synthetic, [
        { name: 'key', id: 1, type: 'string' },
        { name: 'value', id: 2, type: valueKind },
      ]);
    }
    const e = this.read(synthetic, buf, start, end);
    return [String(e.key), e.value];
  }
}
