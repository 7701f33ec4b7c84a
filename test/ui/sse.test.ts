// The console's reading of Server-Sent Events: frames split anywhere across network reads come out
// whole and once, comments (keepalives) are skipped, multi-line data is joined.
import { describe, expect, it } from 'vitest';
import { parseFrames } from '../../ui/src/sse.js';

const frame = (id: number, data: string) => `id: ${id}\nevent: provision\ndata: ${data}\n\n`;

describe('parseFrames', () => {
  it('returns whole frames and keeps the unfinished rest for the next read', () => {
    const text = `: ironplan events\n\n${frame(1, '{"id":1}')}${frame(2, '{"id":2}')}: keepalive\n\n${frame(3, '{"id":3}')}`;
    // Every split point of the stream gives the same frames, in order.
    for (let cut = 0; cut <= text.length; cut++) {
      const first = parseFrames(text.slice(0, cut));
      const second = parseFrames(first.rest + text.slice(cut));
      expect([...first.events, ...second.events]).toEqual(['{"id":1}', '{"id":2}', '{"id":3}']);
      expect(second.rest).toBe('');
    }
  });
  it('joins the data lines of one frame', () => {
    expect(parseFrames('data: a\ndata: b\n\n').events).toEqual(['a\nb']);
  });
});
