// Which manager owns a node: a consistent hash ring over the live managers (as Ironic's, after tooz's
// HashRing). Each manager sits at 2^partitionExponent points, so ownership spreads evenly and a manager
// joining or leaving moves only about 1/N of the nodes. Rings are per conductor group; a node of group G
// belongs only to a manager of group G (Ironic's conductor_group, API 1.46).
import { createHash } from 'node:crypto';

export interface RingMember {
  /** The manager's unique id (what a node's reservation holds). */
  id: string;
  group: string;
  /** Hardware types the manager has loaded: a node goes only to a manager that can drive it. */
  hardwareTypes: readonly string[];
}

const DEFAULT_PARTITION_EXPONENT = 5;

function point(key: string): number {
  return createHash('md5').update(key).digest().readUInt32BE(0);
}

class Ring {
  private readonly points: Array<{ at: number; id: string }> = [];

  constructor(ids: readonly string[], replicas: number) {
    for (const id of ids) for (let i = 0; i < replicas; i++) this.points.push({ at: point(`${id}-${i}`), id });
    this.points.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  }

  owner(key: string): string | undefined {
    if (!this.points.length) return undefined;
    const h = point(key);
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.points[mid]!.at < h) lo = mid + 1;
      else hi = mid;
    }
    return this.points[lo % this.points.length]!.id;
  }
}

/** The rings of one moment: built from the live managers, asked who owns a node. */
export class HashRings {
  private readonly rings = new Map<string, Ring>();
  private readonly replicas: number;

  constructor(
    readonly members: readonly RingMember[],
    partitionExponent = DEFAULT_PARTITION_EXPONENT,
  ) {
    this.replicas = 2 ** partitionExponent;
  }

  private ring(group: string, hardwareType: string): Ring {
    const key = `${group}\u0000${hardwareType}`;
    let r = this.rings.get(key);
    if (!r) {
      const ids = this.members.filter((m) => m.group === group && m.hardwareTypes.includes(hardwareType)).map((m) => m.id);
      r = new Ring(ids, this.replicas);
      this.rings.set(key, r);
    }
    return r;
  }

  /** The manager that owns the node, or undefined when no live manager of its group has its driver. */
  owner(node: { uuid: string; driver: string; conductor_group?: string | null }): string | undefined {
    return this.ring(node.conductor_group ?? '', node.driver).owner(node.uuid);
  }

  /** Whether `managerId` owns the node: what each manager's periodic tasks filter by. */
  owns(managerId: string, node: { uuid: string; driver: string; conductor_group?: string | null }): boolean {
    return this.owner(node) === managerId;
  }
}
