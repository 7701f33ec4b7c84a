// Live events for API processes, read from the database (where every change's event is written in the
// same transaction as the change), so SSE, ?wait=, /metrics and the provider's waits see the work of
// whichever manager did it. The feed polls the events table by id; a commit in this process (the
// all-in-one `serve`) nudges it to read at once, so local work is seen without the poll's delay.
import { EventEmitter } from 'node:events';
import type { Event } from './generated/event.js';
import type { Store } from './store/store.js';

export interface EventFeedOptions {
  /** Milliseconds between reads of the events table when nothing nudges the feed. */
  pollMs?: number;
  /**
   * How long a gap in the ids is waited for before it is skipped. Ids are taken at insert, so on
   * PostgreSQL a later id can commit before an earlier one; a rolled-back insert leaves a gap for good.
   */
  gapWaitMs?: number;
}

const PAGE = 1000;

/** Emits 'event' for each recorded event, in id order, from the moment it starts. */
export class EventFeed extends EventEmitter {
  private cursor = 0;
  private timer: NodeJS.Timeout | undefined;
  private reading = false;
  private again = false;
  private gapSeenAt = 0;
  private stopped = false;
  private readonly pollMs: number;
  private readonly gapWaitMs: number;

  constructor(
    private readonly store: Store,
    opts: EventFeedOptions = {},
  ) {
    super();
    this.setMaxListeners(0);
    this.pollMs = opts.pollMs ?? 250;
    this.gapWaitMs = opts.gapWaitMs ?? 500;
  }

  /** Starts after the newest event recorded so far (history is read with listEvents). */
  async start(): Promise<void> {
    const newest = await this.store.newestEventId();
    this.cursor = newest;
    this.timer = setInterval(() => this.nudge(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** The id of the newest event delivered: a stream that replayed up to here continues from it. */
  get position(): number {
    return this.cursor;
  }

  /**
   * Events this process just committed: delivered at once when they follow the last one delivered (the
   * common case in `serve`, where this process writes them all), read from the table otherwise.
   */
  committed(events: readonly Event[]): void {
    if (this.stopped) return;
    if (this.reading || events.length === 0 || events[0]!.id !== this.cursor + 1 || events.some((e, i) => i > 0 && e.id !== events[i - 1]!.id + 1)) {
      this.nudge();
      return;
    }
    for (const e of events) {
      this.cursor = e.id;
      this.emit('event', e);
    }
  }

  /** Read now (new events were committed); coalesces with a read in flight. */
  nudge(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    void this.read()
      .catch((err: unknown) => this.emit('feed-error', err))
      .finally(() => {
        this.reading = false;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  private async read(): Promise<void> {
    for (;;) {
      const rows = await this.store.listEvents({ after: this.cursor, limit: PAGE });
      for (const e of rows) {
        if (e.id !== this.cursor + 1) {
          // A gap: an earlier id may still commit. Wait a little for it, then go on without it.
          const t = Date.now();
          if (!this.gapSeenAt) this.gapSeenAt = t;
          if (t - this.gapSeenAt < this.gapWaitMs) return;
        }
        this.gapSeenAt = 0;
        this.cursor = e.id;
        this.emit('event', e);
      }
      if (rows.length < PAGE) return;
    }
  }
}
