// Out-of-band inspection (Ironic's `redfish` inspect interface): the BMC's inventory of the system —
// Processors, MemorySummary/Memory, Storage or SimpleStorage, EthernetInterfaces — becomes the same
// Inventory the agent reports in band, and the NICs' MACs become ports. Nothing is booted.
import { checkInventory } from '../../contract/inventory.js';
import { DriverError, type InspectInterface, type InspectResult, type Task } from '../types.js';
import type { Json, RedfishClient } from './client.js';
import type { RedfishConnection } from './driver-info.js';
import { readSystem, type RedfishDeps } from './system.js';

const GIB = 1024 ** 3;
const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;

/** Redfish InstructionSet / ProcessorArchitecture to the kernel's names (what the agent reports). */
const ARCH: Record<string, string> = { 'x86-64': 'x86_64', x86: 'x86_64', 'ARM-A64': 'aarch64', ARM: 'aarch64', PowerISA: 'ppc64le', IA64: 'ia64', MIPS64: 'mips64' };

export function createRedfishInspect(deps: RedfishDeps): InspectInterface {
  return {
    name: 'redfish',
    driverInfoSchema: deps.driverInfo.schema,

    async validate(task) {
      deps.driverInfo.connectionOf(task);
    },

    async inspect(task): Promise<InspectResult> {
      const { conn, system } = await readSystem(deps, task);
      const members = (link: Json | undefined) => collect(deps.client, conn, link, task);
      const [processors, memory, nics, disks] = await Promise.all([
        members(system.Processors),
        system.MemorySummary?.TotalSystemMemoryGiB ? Promise.resolve([]) : members(system.Memory),
        members(system.EthernetInterfaces),
        diskSizes(deps.client, conn, system, task),
      ]);
      const cpus = system.ProcessorSummary?.LogicalProcessorCount ?? (sum(processors.map((p) => p.TotalThreads)) || system.ProcessorSummary?.Count);
      const archName = processors.map((p) => p.InstructionSet ?? p.ProcessorArchitecture).find((a) => typeof a === 'string');
      const memoryMb = system.MemorySummary?.TotalSystemMemoryGiB ? Math.round(system.MemorySummary.TotalSystemMemoryGiB * 1024) : sum(memory.map((m) => m.CapacityMiB));
      const checked = checkInventory({ cpus, memory_mb: memoryMb, local_gb: Math.floor(Math.max(0, ...disks) / GIB), cpu_arch: archName ? (ARCH[archName] ?? archName) : undefined });
      if ('problem' in checked) throw new DriverError('DriverOperationError', `BMC ${conn.origin} did not report a complete inventory (${checked.problem})`);
      const macs = nics.map((n) => n.MACAddress ?? n.PermanentMACAddress).filter((m): m is string => typeof m === 'string' && MAC.test(m));
      return { done: true, inventory: checked.inventory, macs };
    },
  };
}

/** The members of a collection a resource links to (none when it links to nothing). */
async function collect(client: RedfishClient, conn: RedfishConnection, link: Json | undefined, task: Task): Promise<Json[]> {
  const path: string | undefined = link?.['@odata.id'];
  if (!path) return [];
  const collection = await client.get(conn, path, task.log);
  return Promise.all((collection.Members ?? []).map((m: Json) => client.get(conn, m['@odata.id'], task.log)));
}

/** Bytes of every disk: Storage's Drives (newer BMCs) or SimpleStorage's Devices (older ones), whichever the system has. */
async function diskSizes(client: RedfishClient, conn: RedfishConnection, system: Json, task: Task): Promise<number[]> {
  const sizes: number[] = [];
  for (const storage of await collect(client, conn, system.Storage, task)) {
    const drives = await Promise.all((storage.Drives ?? []).map((d: Json) => client.get(conn, d['@odata.id'], task.log)));
    sizes.push(...drives.map((d) => d.CapacityBytes).filter(isNum));
  }
  if (sizes.length === 0) {
    for (const simple of await collect(client, conn, system.SimpleStorage, task)) {
      sizes.push(...(simple.Devices ?? []).map((d: Json) => d.CapacityBytes).filter(isNum));
    }
  }
  return sizes;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const sum = (vs: unknown[]): number => vs.filter(isNum).reduce((a, b) => a + b, 0);
