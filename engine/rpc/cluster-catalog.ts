// The drivers as the API service knows them without loading any: the union of the catalogs the live
// managers published, re-read with the cluster view. /v1/drivers, request checks and secret masking use it.
import { DriverCatalog, type CatalogData } from '../drivers/registry.js';
import type { ClusterView } from './cluster.js';

export class ClusterCatalog extends DriverCatalog {
  private timer: NodeJS.Timeout | undefined;
  /** Hardware type → the hostnames of the live managers that have it (Ironic's `hosts`). */
  private hostsByType = new Map<string, string[]>();

  constructor(private readonly cluster: ClusterView) {
    super();
  }

  async refresh(fresh = false): Promise<void> {
    const { live } = await this.cluster.current(fresh);
    const data: CatalogData = { types: [], interfaces: {} };
    const hosts = new Map<string, string[]>();
    for (const c of live.values()) {
      for (const t of c.catalog?.types ?? []) {
        if (!data.types.some((x) => x.name === t.name)) data.types.push(t);
        hosts.set(t.name, [...new Set([...(hosts.get(t.name) ?? []), c.hostname])].sort());
      }
      Object.assign(data.interfaces, c.catalog?.interfaces ?? {});
    }
    this.hostsByType = hosts;
    this.replaceData(data);
  }

  override hosts(type: string): string[] {
    return this.hostsByType.get(type) ?? [];
  }

  /** Keeps the catalog as fresh as the cluster view. */
  start(everyMs: number): void {
    this.timer = setInterval(() => void this.refresh().catch(() => {}), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
