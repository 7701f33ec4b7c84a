// What the power interfaces share: confirming a change by reading the state back until it settles.
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Reads until `settled` holds or the deadline passes: the first read at once (after delays[0]), then
 * after each of `delays` in turn, the last one repeated. Returns whether it settled and the last value
 * read (undefined only if nothing was read).
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  settled: (value: T) => boolean,
  deadline: number,
  delays: readonly number[],
): Promise<{ settled: boolean; last: T | undefined }> {
  let last: T | undefined;
  for (let poll = 0; ; poll++) {
    const delay = delays[Math.min(poll, delays.length - 1)]!;
    if (poll > 0 && Date.now() + delay > deadline) return { settled: false, last };
    if (delay > 0) await sleep(delay);
    last = await read();
    if (settled(last)) return { settled: true, last };
  }
}
