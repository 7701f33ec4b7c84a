// The event stream (GET /v1/events, Server-Sent Events) read through fetch, because EventSource cannot
// send the Authorization header. Reconnects after a drop from the last id seen, as EventSource would.
import type { Event } from '../../engine/generated/event.js';
import { headers } from './api.js';

export type { Event };

/** Frames of an SSE body: `data:` lines of each frame, joined; comments and other fields are ignored. */
export function parseFrames(buffer: string): { events: string[]; rest: string } {
  const events: string[] = [];
  const parts = buffer.split('\n\n');
  const rest = parts.pop() ?? '';
  for (const frame of parts) {
    const data = frame
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data) events.push(data);
  }
  return { events, rest };
}

export interface Subscription {
  close(): void;
}

const PATHS = ['/v1/events', '/v1/events/stream'];

/** Follows the stream from `after`; `onEvent` gets each event once, in order. */
export function subscribe(opts: { after: number; node?: string; onEvent: (e: Event) => void; onState?: (live: boolean) => void }): Subscription {
  let last = opts.after;
  let closed = false;
  let controller: AbortController | undefined;
  let pathIndex = 0;

  const run = async () => {
    while (!closed) {
      controller = new AbortController();
      try {
        const q = new URLSearchParams({ after: String(last) });
        if (opts.node) q.set('node', opts.node);
        const res = await fetch(`${PATHS[pathIndex]}?${q.toString()}`, { headers: headers({ accept: 'text/event-stream' }), signal: controller.signal });
        // Another service version may only have the alias: try it once, then stay with whichever answers.
        if (res.status === 404 && pathIndex + 1 < PATHS.length) {
          pathIndex++;
          continue;
        }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        opts.onState?.(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parsed = parseFrames(buffer + value);
          buffer = parsed.rest;
          for (const data of parsed.events) {
            const e = JSON.parse(data) as Event;
            if (e.id <= last) continue;
            last = e.id;
            opts.onEvent(e);
          }
        }
      } catch {
        // dropped or refused: retry below
      }
      opts.onState?.(false);
      if (!closed) await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void run();
  return {
    close() {
      closed = true;
      controller?.abort();
    },
  };
}
