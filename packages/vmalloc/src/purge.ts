// The lazy purge (__purge_vmap_area_lazy) of the lazy designs: take every lazily freed area, ONE flush over the
// range they span, then return them to the free space — so no address is reused before the flush that covers
// it. Opportunistic purges trylock the purge lock and give up; forced ones wait for it.
import type { Thread } from '@kmemsim/core';
import type { LazyVmap } from './lazy.js';
import type { Gen } from './types.js';

const log2 = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1)));

/** __purge_vmap_area_lazy: one flush over every lazy area (and [min, max) if given), then free them. */
export function* purgeLazy(h: LazyVmap, t: Thread, force: boolean, flush: boolean, min: number, max: number): Gen {
  yield undefined;
  if (!force) {
    if (!h.purgeLock.tryLock(t)) {
      h.m.engine.counters.add(h.k.skipped);
      return;
    }
  } else yield h.purgeLock.lock(t);
  const taken = h.lazy.takeAll();
  const { vpns, lens, pages: nr } = taken;
  if (taken.min < min) min = taken.min;
  if (taken.max > max) max = taken.max;
  h.ledger.lazyPages -= nr; // atomic_sub on vmap_lazy_nr comes before the flush, as in 2.6.28
  // 2.6.28 walks the whole vmap_area_list for VM_LAZY_FREE flags; later kernels take a purge list.
  const scanned = h.era === 2008 ? h.space.busy.size : vpns.length;
  t.spend(h.s.purge, scanned * h.p.purgeScanCyclesPerArea);
  if (nr > 0 || flush) {
    h.m.engine.counters.add(h.k.purges);
    if (max > min) yield* h.m.flushKernelRange(t, min, max - min);
  }
  if (vpns.length > 0) yield* release(h, t, vpns, lens);
  h.purgeLock.unlock(t);
}

/** Returns purged areas to the free space (2024: small ones to their node's pools, then decay). */
function* release(h: LazyVmap, t: Thread, vpns: number[], lens: number[]): Gen {
  const p = h.p;
  const nodes = h.nodes;
  let toTree = vpns.map((v, i) => ({ vpn: v, size: lens[i] }));
  if (nodes !== null) {
    const rest: { vpn: number; size: number }[] = [];
    for (const x of toTree) {
      const home = h.homeOf.get(x.vpn) ?? -1;
      h.homeOf.delete(x.vpn);
      if (home >= 0 && nodes.count > 1 && x.size <= p.poolMaxPages) {
        nodes.put(home, x.size, x.vpn);
        t.spend(h.s.pool, p.poolLookupCycles);
      } else rest.push(x);
    }
    toTree = rest.concat(nodes.decay());
  }
  if (toTree.length === 0) return;
  yield h.areaLock.lock(t);
  const per =
    h.era === 2008
      ? p.freeVmapAreaCycles
      : p.freeVmapAreaCycles + log2(h.space.free.size) * (p.rbLevelCycles + p.augmentLevelCycles);
  t.spend(h.s.freeVa, toTree.length * per);
  for (const x of toTree) h.space.release(x.vpn);
  h.areaLock.unlock(t);
}
