// The allocator's state changes without time (functional fast-forward, as SMARTS warms a simulator between
// samples): when the sampler skips loops that build state — test_vmalloc's set-ups allocating thousands of areas,
// their tear-downs — the areas must still exist (or be gone) afterwards, though the time those loops took comes
// from the measured rate. Same placement, lazy queue, purge, pools and search-cache rules as the timed paths;
// no cycles, no locks, no counters (the sampler replays those), and no PTE writes for areas nobody touches.
import type { Thread } from '@kmemsim/core';
import type { VmapCore } from './vmap.js';

/** A thread that pays for nothing: the searches' charges are dropped. */
const NOBODY = { spend() {}, cpu: 0 } as unknown as Thread;

/** get_vm_area (+ guard page) without time: a handle, or −1. */
export function fastAlloc(v: VmapCore, cpu: number, pages: number, align = 1): number {
  const size = pages + v.guard;
  let at = reserve(v, cpu, size, align);
  if (at < 0 && v.purger !== null) {
    fastPurge(v);
    at = reserve(v, cpu, size, align);
  }
  if (at < 0) return -1;
  v.mirror?.seed(at);
  const id = v.areas.add(at, pages, size, -1, v.homeOf(cpu, size));
  v.areas.pfn[id] = 0;
  v.ledger.allocs++;
  return id;
}

/** vfree without time: the area goes lazy (and a purge runs when due) or, in 2.6.27, back at once. */
export function fastFree(v: VmapCore, id: number): void {
  const a = v.areas;
  const vpn = a.vpn[id];
  const size = a.reserved[id];
  const home = a.home[id];
  a.remove(id);
  v.ledger.frees++;
  clearPtes(v, vpn, size);
  v.mirror?.drop(vpn);
  if (v.purger === null) {
    v.space.release(vpn);
    v.m.tlb.flushAll();
    return;
  }
  if (v.nodes !== null) v.nodes.busy[v.nodes.of(vpn)]--;
  v.lazy.push(vpn, size, 0, home);
  v.lazyNr += size;
  if (v.lazyNr > v.lazyMaxPages) fastPurge(v);
}

function reserve(v: VmapCore, cpu: number, size: number, align: number): number {
  const nodes = v.nodes;
  if (nodes?.pooled(size)) {
    const home = nodes.home(cpu);
    const at = nodes.take(home, size, align);
    if (at >= 0) {
      nodes.busy[nodes.of(at)]++;
      return at;
    }
  }
  const at = v.hole.find(NOBODY, size, align);
  if (at >= 0 && nodes !== null) nodes.busy[nodes.of(at)]++;
  return at;
}

/** __purge_vmap_area_lazy without time: every lazy area back (6.9: to its pool, after the decay). */
export function fastPurge(v: VmapCore): void {
  const b = v.lazy.take();
  v.lazyNr -= b.pages;
  const nodes = v.nodes;
  const back: number[] = [];
  for (let i = 0; i < b.count; i++) if (b.ptes[i] > 0) clearPtes(v, b.vpn[i], b.ptes[i]);
  if (nodes !== null) {
    nodes.decay(false, (vpn) => back.push(vpn));
    for (let i = 0; i < b.count; i++) {
      if (b.home[i] >= 0 && nodes.pooled(b.len[i])) nodes.put(b.home[i], b.len[i], b.vpn[i]);
      else back.push(b.vpn[i]);
    }
  } else for (let i = 0; i < b.count; i++) back.push(b.vpn[i]);
  for (const vpn of back) {
    const end = v.space.release(vpn);
    v.hole.released(vpn, end);
  }
  if (b.count > 0) v.m.tlb.flushAll();
}

function clearPtes(v: VmapCore, vpn: number, pages: number): void {
  v.m.tlb.pte.clearRange(vpn, pages);
}
