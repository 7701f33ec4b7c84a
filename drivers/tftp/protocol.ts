// TFTP wire format (RFC 1350, option extension RFC 2347): parsing and building packets, nothing else.

export const Opcode = {
  RRQ: 1,
  WRQ: 2,
  DATA: 3,
  ACK: 4,
  ERROR: 5,
  OACK: 6,
} as const;

export const ErrorCode = {
  NOT_DEFINED: 0,
  FILE_NOT_FOUND: 1,
  ACCESS_VIOLATION: 2,
  DISK_FULL: 3,
  ILLEGAL_OPERATION: 4,
  UNKNOWN_TID: 5,
  FILE_EXISTS: 6,
  NO_SUCH_USER: 7,
  OPTION_REFUSED: 8,
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export const DATA_HEADER_BYTES = 4;

export interface Request {
  kind: 'read' | 'write';
  filename: string;
  /** Lower-cased, e.g. 'octet' or 'netascii'. */
  mode: string;
  /** Option names lower-cased; the first occurrence of a name wins. */
  options: Map<string, string>;
}

export type Packet =
  | { op: typeof Opcode.RRQ | typeof Opcode.WRQ; request: Request }
  | { op: typeof Opcode.ACK; block: number }
  | { op: typeof Opcode.ERROR; code: number; message: string }
  | { op: typeof Opcode.DATA | typeof Opcode.OACK }
  | { op: 'malformed'; reason: string };

/** Splits NUL-terminated strings; a trailing fragment without its NUL makes the packet malformed. */
function nulStrings(buf: Buffer, start: number): string[] | undefined {
  const out: string[] = [];
  let pos = start;
  while (pos < buf.length) {
    const end = buf.indexOf(0, pos);
    if (end < 0) return undefined;
    // latin1 keeps every byte as one char, so odd bytes in file names can't collapse into valid ones.
    out.push(buf.toString('latin1', pos, end));
    pos = end + 1;
  }
  return out;
}

export function parsePacket(buf: Buffer): Packet {
  if (buf.length < 2) return { op: 'malformed', reason: 'short packet' };
  const op = buf.readUInt16BE(0);
  switch (op) {
    case Opcode.ACK:
      if (buf.length < 4) return { op: 'malformed', reason: 'short ACK' };
      return { op, block: buf.readUInt16BE(2) };
    case Opcode.ERROR: {
      if (buf.length < 4) return { op: 'malformed', reason: 'short ERROR' };
      const end = buf.indexOf(0, 4);
      return { op, code: buf.readUInt16BE(2), message: buf.toString('latin1', 4, end < 0 ? buf.length : end) };
    }
    case Opcode.RRQ:
    case Opcode.WRQ: {
      const parts = nulStrings(buf, 2);
      if (!parts || parts.length < 2) return { op: 'malformed', reason: 'request without file name and mode' };
      const [filename, mode, ...rest] = parts as [string, string, ...string[]];
      const options = new Map<string, string>();
      // RFC 2347 allows a stray trailing name without a value from some clients; it is ignored.
      for (let i = 0; i + 1 < rest.length; i += 2) {
        const name = rest[i]!.toLowerCase();
        if (!options.has(name)) options.set(name, rest[i + 1]!);
      }
      return { op, request: { kind: op === Opcode.RRQ ? 'read' : 'write', filename, mode: mode.toLowerCase(), options } };
    }
    case Opcode.DATA:
    case Opcode.OACK:
      return { op };
    default:
      return { op: 'malformed', reason: `unknown opcode ${op}` };
  }
}

export function errorPacket(code: ErrorCodeValue, message: string): Buffer {
  const msg = Buffer.from(message, 'latin1');
  const buf = Buffer.allocUnsafe(4 + msg.length + 1);
  buf.writeUInt16BE(Opcode.ERROR, 0);
  buf.writeUInt16BE(code, 2);
  msg.copy(buf, 4);
  buf[buf.length - 1] = 0;
  return buf;
}

export function oackPacket(options: ReadonlyArray<readonly [string, string]>): Buffer {
  const parts: Buffer[] = [Buffer.from([0, Opcode.OACK])];
  for (const [name, value] of options) parts.push(Buffer.from(`${name}\0${value}\0`, 'latin1'));
  return Buffer.concat(parts);
}

export function requestPacket(kind: 'read' | 'write', filename: string, mode: string, options: Record<string, string | number> = {}): Buffer {
  let body = `${filename}\0${mode}\0`;
  for (const [name, value] of Object.entries(options)) body += `${name}\0${value}\0`;
  return Buffer.concat([Buffer.from([0, kind === 'read' ? Opcode.RRQ : Opcode.WRQ]), Buffer.from(body, 'latin1')]);
}

export function ackPacket(block: number): Buffer {
  const buf = Buffer.allocUnsafe(4);
  buf.writeUInt16BE(Opcode.ACK, 0);
  buf.writeUInt16BE(block & 0xffff, 2);
  return buf;
}
