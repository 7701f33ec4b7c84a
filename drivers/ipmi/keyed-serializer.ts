/**
 * Runs jobs one at a time per key while different keys proceed in parallel. BMCs (and ipmi_sim,
 * which is single-threaded) handle overlapping RMCP+ sessions badly, but separate BMCs are independent.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(job);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // Drop the entry once idle so a long-running service does not accumulate one per BMC ever seen.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a job queued or running (for diagnostics and tests). */
  busyKeys(): string[] {
    return [...this.tails.keys()];
  }
}
