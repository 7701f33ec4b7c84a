// Live progress for long applies: a line as each action starts and ends, agent progress as it comes,
// and a reminder every 10 s of what is still running (operators would rather see than guess).
import type { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import type { Plan, PlanAction } from '../generated/plan.js';
import type { Event } from '../generated/event.js';

export class ProgressPrinter {
  private readonly started = new Map<string, number>();
  private readonly t0 = Date.now();
  private done = 0;
  private failed = 0;
  private readonly ticker: NodeJS.Timeout;

  constructor(
    private readonly plan: Plan | null,
    private readonly out: Writable,
  ) {
    this.ticker = setInterval(() => this.reminder(), 10_000);
    this.ticker.unref();
  }

  private write(line: string): void {
    this.out.write(line + '\n');
  }

  private label(a: PlanAction): string {
    return `${a.resource}.${a.name}: ${a.op}${a.params?.address ? ` ${a.params.address}` : ''}`;
  }

  action(a: PlanAction, status: string, error?: string): void {
    if (status === 'running') {
      this.started.set(a.id, Date.now());
      this.write(`${this.label(a)}...`);
      return;
    }
    const secs = ((Date.now() - (this.started.get(a.id) ?? Date.now())) / 1000).toFixed(1);
    this.started.delete(a.id);
    if (status === 'done') this.done++;
    else this.failed++;
    const total = this.plan ? `[${this.done + this.failed}/${this.plan.actions.length}] ` : '';
    if (status === 'done') this.write(`${total}${this.label(a)} complete after ${secs}s`);
    else this.write(`${total}${this.label(a)} ${status}: ${error ?? ''}`);
  }

  /** Prints node transitions and agent progress as the conductor records them; returns an unsubscribe. */
  follow(events: EventEmitter): () => void {
    const lastProgress = new Map<string, number>();
    const on = (e: Event) => {
      const who = e.node_name ?? e.node_uuid ?? '';
      if (e.type === 'provision' && e.from && e.to) this.write(`  ${who}: ${e.from} -> ${e.to}${e.reason && e.to.includes('fail') ? ` (${e.reason})` : ''}`);
      else if (e.type === 'progress' && e.data && typeof e.data.bytes_written === 'number') {
        const now = Date.now();
        if (now - (lastProgress.get(who) ?? 0) < 2000) return;
        lastProgress.set(who, now);
        const mb = (Number(e.data.bytes_written) / 1048576).toFixed(1);
        const total = typeof e.data.bytes_total === 'number' ? ` of ${(Number(e.data.bytes_total) / 1048576).toFixed(1)}` : '';
        this.write(`  ${who}: image ${mb}${total} MiB written`);
      }
    };
    events.on('event', on);
    return () => events.off('event', on);
  }

  private reminder(): void {
    if (!this.started.size) return;
    const now = Date.now();
    const names = [...this.started.entries()].slice(0, 5).map(([id, t]) => `${id} [${Math.round((now - t) / 1000)}s]`);
    this.write(`Still running: ${names.join(', ')}${this.started.size > 5 ? ` and ${this.started.size - 5} more` : ''}`);
  }

  finish(status: string): void {
    clearInterval(this.ticker);
    const secs = ((Date.now() - this.t0) / 1000).toFixed(1);
    if (status === 'succeeded') this.write(`\nApply complete! ${this.done} actions done in ${secs}s.`);
    else this.write(`\nApply ${status}: ${this.done} actions done, ${this.failed} failed or skipped, in ${secs}s. Fix the cause and apply again: it resumes from the recorded state.`);
  }
}
