// 2.6.27's vmlist is the allocator itself (VmSpace's busy areas, under vmlist_lock): __get_vm_area_node's first
// fit walks it from its head to the first gap the request fits (hole.ts VmlistFirstFit), remove_vm_area's unlink
// walks it to the vm_struct (vmap.ts legacyUnlinkCost). A sampled run tells the sampler's arrangement bound of
// those walks as the mirror designs' (vmlist.ts): each walk's rank, the walker's own areas below it and the list's
// length. An observer of the walks: it charges nothing and changes no count.
import type { VmlistWalkTally } from './vmlist.js';
import { VmlistOwners } from './vmlist-owners.js';

export class LegacyVmlistWatch {
  /** Who owns each area on the list (the kernel keeps no owner: the bound's record). */
  private readonly owners: VmlistOwners;

  /**
   * @param tally - told of each walk (workloads/walk-tally.ts)
   * @param cpus - owners at most (the machine's CPUs)
   */
  constructor(
    private readonly tally: VmlistWalkTally,
    cpus: number,
  ) {
    this.owners = new VmlistOwners(cpus);
  }

  /**
   * __get_vm_area_node's first-fit walk by `cpu` past `rank` of the list's `size` areas, costing `cycles`, that put
   * an area at `vpn` (or, none fitting, walked the whole list: `vpn` above every area, and nothing added).
   */
  inserted(cpu: number, vpn: number, rank: number, cycles: number, size: number, added: boolean): void {
    this.tally.add(cpu, rank, this.owners.below(cpu, vpn), cycles, size);
    if (added) this.owners.add(vpn, cpu);
  }

  /** remove_vm_area's unlink walk by `cpu` past `rank` of the list's `size` areas to the one at `vpn`. */
  removed(cpu: number, vpn: number, rank: number, cycles: number, size: number): void {
    this.tally.add(cpu, rank, this.owners.below(cpu, vpn), cycles, size);
    this.owners.remove(vpn);
  }

  /** An area of CPU `owner` put on the list without time (functional.ts fastAlloc): no walk told. */
  seed(vpn: number, owner: number): void {
    this.owners.add(vpn, owner);
  }

  /** An area gone from the list without time (functional.ts fastFree). */
  drop(vpn: number): void {
    this.owners.remove(vpn);
  }

  /** Areas of `owner` on the list below `vpn` (tests: the record agrees with the list). */
  below(owner: number, vpn: number): number {
    return this.owners.below(owner, vpn);
  }
}
