// The virt mechanism: which guest operations exit under each mode and KVM version, and what they cost.
import i386, { i386Bigsmp } from '@kmemsim/arch-i386';
import type { Op, Thread } from '@kmemsim/core';
import { describe, expect, it } from 'vitest';
import { type KvmVersion, kvmRules } from './kvm-era.js';
import { Machine } from './machine.js';
import type { VirtModeName } from './schema.js';

const shadow = i386.virt['kvm-shadow']!;
const mech = shadow.mechanism!;

function machine(virt: VirtModeName, kvm?: KvmVersion, cpus = 2) {
  return new Machine({ arch: i386, virt, kvm, cpus, pae: true });
}

/** Runs `body` on CPU 0 and returns the machine's counters. */
function on(m: Machine, body: (t: Thread) => Generator<Op | undefined, void, void>) {
  m.engine.spawn(0, 'x', body);
  m.engine.run();
  return m.engine.counters;
}

describe('KVM versions', () => {
  it('unsync from 2.6.28, PGE in the shadow role and remote flush on invlpg from 2.6.30', () => {
    expect(kvmRules('2.6.27')).toMatchObject({ unsync: false, pgeInRole: false, invlpgRemoteFlush: false });
    expect(kvmRules('2.6.29')).toMatchObject({ unsync: true, pgeInRole: false, invlpgRemoteFlush: false });
    expect(kvmRules('2.6.30')).toMatchObject({ unsync: true, pgeInRole: true, invlpgRemoteFlush: true });
  });

  it('a shadowed table: 2.6.29 unsyncs at the first write (one exit), 2.6.27 emulates until a write flood', () => {
    for (const [kvm, pf, emulated] of [
      ['2.6.29', 2, 0],
      ['2.6.27', 2, 3], // the build's fault, and one #PF for the first store after the flood zap
    ] as const) {
      const m = machine('kvm-shadow', kvm);
      const pt = m.pageTable('t', 512);
      const k = on(m, function* (t) {
        yield undefined;
        m.firstAccesses(t, pt, 1, 'a'); // builds the shadow page: the table is now write-protected
        m.ptWrites(t, pt, 10, true, 'w');
      });
      expect(k.get('vm_exit.pf'), kvm).toBe(pf);
      expect(k.get('vm_exit.pt_write'), kvm).toBe(emulated);
      expect(pt.shadowed, kvm).toBe(kvm === '2.6.29'); // ≤ 2.6.27: the flood zapped the shadow page
    }
  });

  it('2.6.27: a PAE PTE write is two emulated stores, so set + access + clear of one slot floods at the next set', () => {
    // kmap_atomic's pattern on one fixmap slot: set_pte, an access, pte_clear + invlpg, then the next page's set_pte.
    const run = (pae: boolean) => {
      const m = new Machine({ arch: i386, virt: 'kvm-shadow', kvm: '2.6.27', cpus: 1, pae });
      const pt = m.pageTable('fixmap', 512);
      const k = on(m, function* (t) {
        yield undefined;
        m.firstAccesses(t, pt, 1, 'a'); // shadow page built: the table is write-protected
        for (let page = 0; page < 3; page++) {
          m.ptWrites(t, pt, 1, true, 'w');
          m.firstAccesses(t, pt, 1, 'a');
          m.ptWrites(t, pt, 1, false, 'w');
          m.invlpgs(t, pt, 1, 'i');
        }
      });
      return { emulated: k.get('vm_exit.pt_write'), pf: k.get('vm_exit.pf') };
    };
    // Without PAE one store per write: the access between set and clear keeps the count below 3, nothing floods;
    // each access after the set uses the spte the emulation installed (no fault), only the first build faults.
    expect(run(false)).toEqual({ emulated: 6, pf: 1 });
    // PAE: set (2 stores), access, clear (2 stores: count 2), next set's first store floods and zaps the page;
    // its second store faults once (the zap left the gfn's direct-map spte read-only; set_spte then finds no
    // shadow page and makes it writable) and the access faults into a new shadow page. Per page after the first:
    // 1 + 2 emulated stores and two faults.
    expect(run(true)).toEqual({ emulated: 4 + 3 + 3, pf: 1 + 2 * 2 });
  });

  it('a global flush is two CR4 exits per CPU, resyncs unsync tables, and 2.6.30 faults into the other PGE role', () => {
    for (const kvm of ['2.6.29', '2.6.30'] as const) {
      const m = machine('kvm-shadow', kvm);
      const pt = m.pageTable('t', 512);
      let cost = 0;
      const k = on(m, function* (t) {
        yield undefined;
        m.firstAccesses(t, pt, 1, 'a');
        m.ptWrites(t, pt, 1, true, 'w');
        m.firstAccesses(t, pt, 99, 'a');
        const before = t.clock;
        yield* m.flushAll(t);
        cost = t.clock - before;
      });
      expect(k.get('vm_exit.cr4')).toBe(4);
      expect(k.get('vm_exit.cr3')).toBe(1); // the idle CPU leaves its lazy mm
      expect(k.get('vm_exit.apic')).toBe(4); // ICR poll + ICR2 + ICR, and the target's EOI
      expect(pt.unsync).toBe(false);
      expect(cost).toBeGreaterThan(100 * mech.syncCyclesPerSpte);
      expect(k.get('vm_exit.pf')).toBe(101 + (kvm === '2.6.30' ? 2 : 0)); // 100 accesses + 1 unsync write
    }
  });

  it("on_each_cpu: the target's flush runs first and resyncs; the sender waits for it, its own flush is cheap", () => {
    // smp_call_function(do_flush_tlb_all, wait=1) precedes the local call: the first CR4 write after the PTEs were
    // cleared is the target's, so kvm_mmu_sync_global's cost lands on the target's handler and on the sender's
    // wait in smp_call_function_single, not in on_each_cpu's irq-off window.
    const m = machine('kvm-shadow', '2.6.29');
    const pt = m.pageTable('t', 512);
    on(m, function* (t) {
      yield undefined;
      m.firstAccesses(t, pt, 1, 'a');
      m.ptWrites(t, pt, 1, true, 'w');
      m.firstAccesses(t, pt, 499, 'a');
      m.ptWrites(t, pt, 500, false, 'w');
      yield* m.flushAll(t);
    });
    const cyc = (name: string) => m.engine.profiler.cyclesOf(name);
    const sync = 500 * (mech.syncCyclesPerSpte + mech.rmapRemoveCycles!);
    const crExit = shadow.vmExitCycles + shadow.handlingCycles.cr4Write + mech.rootReloadCycles;
    expect(cyc('on_each_cpu')).toBe(i386.costs.globalFlushPerCpuCycles + 2 * crExit);
    expect(cyc('smp_call_function_single_interrupt')).toBeGreaterThan(sync);
    expect(cyc('smp_call_function_single')).toBeGreaterThan(sync);
    expect(pt.zaps).toBe(1);
  });

  it('resync: every present spte re-read, each whose guest PTE is gone rmap_remove()d; none left → page zapped', () => {
    // One unsync table with 100 present sptes; the guest then clears `cleared` of its 100 PTEs before the flush.
    const resync = (cleared: number) => {
      const m = new Machine({ arch: i386, virt: 'kvm-shadow', cpus: 1, pae: true });
      const pt = m.pageTable('t', 512);
      let cost = 0;
      const k = on(m, function* (t) {
        yield undefined;
        m.ptWrites(t, pt, 1, true, 'w');
        m.firstAccesses(t, pt, 1, 'a'); // builds the shadow page
        m.ptWrites(t, pt, 99, true, 'w'); // the first write unsyncs it
        m.firstAccesses(t, pt, 99, 'a');
        m.ptWrites(t, pt, cleared, false, 'w');
        const before = t.clock;
        yield* m.flushAll(t);
        cost = t.clock - before;
      });
      return { cost, pt, k };
    };
    const none = resync(0);
    const some = resync(40);
    const all = resync(100);
    expect(some.cost - none.cost).toBe(40 * mech.rmapRemoveCycles!);
    expect(all.cost - none.cost).toBe(100 * mech.rmapRemoveCycles!);
    expect([none.pt.present, some.pt.present, all.pt.present]).toEqual([100, 60, 0]);
    // FNAME(sync_page) returned !nr_present: kvm_sync_page zapped the shadow page; the others stay shadowed.
    expect([none.pt.zaps, some.pt.zaps, all.pt.zaps]).toEqual([0, 0, 1]);
    expect([none.pt.shadowed, some.pt.shadowed, all.pt.shadowed]).toEqual([true, true, false]);
    // After the zap the next write does not exit (nothing shadows the table); the next access rebuilds it.
    const m = new Machine({ arch: i386, virt: 'kvm-shadow', cpus: 1, pae: true });
    const pt = m.pageTable('t', 512);
    const k = on(m, function* (t) {
      yield undefined;
      m.ptWrites(t, pt, 1, true, 'w');
      m.firstAccesses(t, pt, 1, 'a');
      m.ptWrites(t, pt, 1, true, 'w'); // unsync: one #PF exit
      m.ptWrites(t, pt, 2, false, 'w');
      yield* m.flushAll(t); // zapped
      m.ptWrites(t, pt, 1, true, 'w'); // one #PF exit: the gfn is still write-protected, now made writable
      m.ptWrites(t, pt, 1, true, 'w'); // no exit: not shadowed, writable
      m.firstAccesses(t, pt, 1, 'a'); // rebuilt + fault
      m.ptWrites(t, pt, 1, true, 'w'); // write-protected again: unsync, one #PF exit
    });
    expect(pt.zaps).toBe(1);
    expect(k.get('vm_exit.pf')).toBe(5);
    expect(pt.unsync).toBe(true);
  });

  it('rmap_write_protect flushes the other vCPUs only when it finds the gfn writable (build, kvm_sync_page)', () => {
    // Build cost (cycles of the access that builds the shadow page) on 1 and 2 vCPUs, with or without a guest
    // write to the table between a resync zap and the rebuild.
    const build = (cpus: number, writeAfterZap: boolean) => {
      const m = machine('kvm-shadow', '2.6.29', cpus);
      const pt = m.pageTable('t', 512);
      let first = 0;
      let again = 0;
      on(m, function* (t) {
        yield undefined;
        m.ptWrites(t, pt, 1, true, 'w');
        let before = t.clock;
        m.firstAccesses(t, pt, 1, 'a'); // the guest wrote the table: its direct-map spte is writable
        first = t.clock - before;
        m.ptWrites(t, pt, 1, true, 'w'); // unsync: writable again
        m.ptWrites(t, pt, 2, false, 'w');
        yield* m.flushAll(t); // kvm_sync_page write-protects (unsync left it writable), syncs, zaps
        if (writeAfterZap) m.ptWrites(t, pt, 1, true, 'w'); // #PF exit, made writable
        before = t.clock;
        m.firstAccesses(t, pt, 1, 'a');
        again = t.clock - before;
      });
      return { first, again };
    };
    const rf = mech.remoteFlushCycles;
    expect(build(2, false).first - build(1, false).first).toBe(rf);
    expect(build(2, false).again - build(1, false).again).toBe(0); // still write-protected since the sync
    expect(build(2, true).again - build(1, true).again).toBe(rf);
    expect(build(2, true).again - build(2, false).again).toBe(rf);
    // kvm_sync_page's own rmap_write_protect (at a CR3 reload here) flushes the other vCPU.
    const reload = (cpus: number) => {
      const m = machine('kvm-shadow', '2.6.29', cpus);
      const pt = m.pageTable('t', 512);
      let c = 0;
      on(m, function* (t) {
        yield undefined;
        m.firstAccesses(t, pt, 1, 'a');
        m.ptWrites(t, pt, 1, true, 'w'); // unsync
        const before = t.clock;
        m.flushLocal(t, 'f');
        c = t.clock - before;
      });
      return c;
    };
    expect(reload(2) - reload(1)).toBe(rf);
  });

  it('2.6.30 invlpg of a present spte also flushes the other vCPUs (kvm_flush_remote_tlbs)', () => {
    const cost = (kvm: KvmVersion) => {
      const m = machine('kvm-shadow', kvm);
      const pt = m.pageTable('t', 512);
      let c = 0;
      on(m, function* (t) {
        yield undefined;
        m.firstAccesses(t, pt, 1, 'a');
        const before = t.clock;
        m.invlpgs(t, pt, 1, 'i');
        c = t.clock - before;
      });
      return c;
    };
    expect(cost('2.6.30') - cost('2.6.29')).toBe(mech.remoteFlushCycles);
  });
});

describe('other modes', () => {
  it('EPT: page-table writes, invlpg and flushes run natively; IPIs still exit', () => {
    const m = machine('kvm-ept');
    const pt = m.pageTable('t', 512);
    const k = on(m, function* (t) {
      yield undefined;
      m.firstAccesses(t, pt, 5, 'a');
      m.ptWrites(t, pt, 5, true, 'w');
      m.invlpgs(t, pt, 5, 'i');
      yield* m.flushAll(t);
    });
    expect(k.get('vm_exits')).toBe(k.get('vm_exit.apic'));
    expect(k.get('vm_exit.apic')).toBe(4);
  });

  it('Xen PV: each page-table write, invlpg and flush is a hypercall; no shadow faults', () => {
    const m = machine('xen-pv');
    const pt = m.pageTable('t', 512);
    const k = on(m, function* (t) {
      yield undefined;
      m.firstAccesses(t, pt, 5, 'a');
      m.ptWrites(t, pt, 5, true, 'w');
      m.invlpgs(t, pt, 5, 'i');
    });
    expect(k.get('vm_exit.hypercall')).toBe(10);
    expect(k.get('vm_exit.pf')).toBe(0);
  });

  it('bare metal: nothing exits, and exits never make a run cheaper', () => {
    const m = machine('none');
    const pt = m.pageTable('t', 512);
    const k = on(m, function* (t) {
      yield undefined;
      m.firstAccesses(t, pt, 5, 'a');
      m.ptWrites(t, pt, 5, true, 'w');
      yield* m.flushAll(t);
      m.portIo(t, 4, 100, 'p');
    });
    expect(k.get('vm_exits')).toBe(0);
  });
});

describe('IPI delivery on i386', () => {
  it('flat logical mode: one send for every target up to 8 CPUs; no i386 kernel without bigsmp runs more', () => {
    expect(() => new Machine({ arch: i386, cpus: 9 })).toThrow(/1\.\.8/);
    const m = new Machine({ arch: i386, cpus: 8 });
    expect(m.oneSendReachesAll).toBe(true);
  });

  it('bigsmp above 8 CPUs: one ICR2+ICR pair per target, three APIC exits each under KVM', () => {
    const m = new Machine({ arch: i386Bigsmp, cpus: 12, virt: 'kvm-shadow' });
    expect(m.oneSendReachesAll).toBe(false);
    const k = on(m, function* (t) {
      yield* m.flushAll(t);
    });
    expect(k.get('vm_exit.apic')).toBe(11 * 3 + 11);
    expect(m.engine.profiler.cyclesOf('default_send_IPI_mask_sequence_phys')).toBeGreaterThan(0);
    expect(() => new Machine({ arch: i386Bigsmp, cpus: 17, virt: 'kvm-shadow' })).toThrow(/16 vCPUs/);
  });
});
