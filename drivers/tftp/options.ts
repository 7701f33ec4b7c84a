// Option negotiation (RFC 2347/2348/2349/7440): turns what the client asked for into what this
// transfer will use and the OACK entries that tell the client so.

export const DEFAULT_BLKSIZE = 512;
export const MIN_BLKSIZE = 8;
export const MAX_BLKSIZE = 65464;
export const MAX_WINDOWSIZE = 65535;

export interface NegotiationLimits {
  /** Largest blksize granted (requests above are lowered to it). */
  maxBlksize: number;
  /** Largest windowsize granted. */
  maxWindowsize: number;
  /** Retransmission timeout used when the client does not ask for one. */
  defaultTimeoutMs: number;
}

export interface Negotiated {
  blksize: number;
  windowsize: number;
  timeoutMs: number;
  /** Entries for the OACK in request order; empty means no OACK is sent (plain RFC 1350). */
  oack: Array<[string, string]>;
}

/** Strict decimal: '12abc', '', '+1' and '1e3' are not numbers to a TFTP peer. */
function decimal(value: string): number | undefined {
  return /^[0-9]{1,10}$/.test(value) ? Number(value) : undefined;
}

/**
 * @param size bytes that will be sent, or undefined when unknown up front (streams, netascii);
 *             tsize is then left out of the OACK, as tftpd-hpa does for netascii.
 */
export function negotiate(requested: ReadonlyMap<string, string>, size: number | undefined, limits: NegotiationLimits): Negotiated {
  const result: Negotiated = { blksize: DEFAULT_BLKSIZE, windowsize: 1, timeoutMs: limits.defaultTimeoutMs, oack: [] };
  for (const [name, raw] of requested) {
    const value = decimal(raw);
    if (value === undefined) continue; // RFC 2347: options the server can't honour are simply omitted.
    switch (name) {
      case 'blksize': {
        if (value < MIN_BLKSIZE) break;
        result.blksize = Math.min(value, limits.maxBlksize, MAX_BLKSIZE);
        result.oack.push([name, String(result.blksize)]);
        break;
      }
      case 'windowsize': {
        if (value < 1) break;
        result.windowsize = Math.min(value, limits.maxWindowsize, MAX_WINDOWSIZE);
        result.oack.push([name, String(result.windowsize)]);
        break;
      }
      case 'timeout': {
        // RFC 2349 allows 1..255 s and the value must be echoed unchanged, or left out.
        if (value < 1 || value > 255) break;
        result.timeoutMs = value * 1000;
        result.oack.push([name, String(value)]);
        break;
      }
      case 'tsize': {
        if (size === undefined) break;
        result.oack.push([name, String(size)]);
        break;
      }
      default:
        break;
    }
  }
  return result;
}
