import i386 from '@kmemsim/arch-i386';
import s390 from '@kmemsim/arch-s390';
import x86_64 from '@kmemsim/arch-x86_64';
import { describe, expect, it } from 'vitest';
import { Machine, MachineError } from './machine.js';
import { VirtModeError } from './virt.js';

describe('Machine', () => {
  it('kvm-shadow adds a VM exit and its handling to every invlpg', () => {
    const bare = new Machine({ arch: x86_64 });
    const kvm = new Machine({ arch: x86_64, virt: 'kvm-shadow' });
    const v = x86_64.virt['kvm-shadow']!;
    expect(kvm.cost.invlpgCycles).toBe(bare.cost.invlpgCycles + v.vmExitCycles + v.handlingCycles.invlpg);
    const ept = new Machine({ arch: x86_64, virt: 'kvm-ept' });
    expect(ept.cost.invlpgCycles).toBe(bare.cost.invlpgCycles);
  });

  it('rejects virt modes the arch does not offer, CPU counts out of range, and PAE without highmem', () => {
    expect(() => new Machine({ arch: s390, virt: 'xen-pv' })).toThrow(VirtModeError);
    expect(() => new Machine({ arch: x86_64, cpus: 0 })).toThrow(MachineError);
    expect(() => new Machine({ arch: x86_64, pae: true })).toThrow(/PAE/);
    expect(new Machine({ arch: i386, pae: true }).pkmapEntries).toBe(512);
    expect(new Machine({ arch: i386 }).pkmapEntries).toBe(1024);
  });

  it('a global flush by IPI: exact sender cost, every other CPU charged the handler', () => {
    const m = new Machine({ arch: x86_64, cpus: 4 });
    const ipi = x86_64.ipi;
    let cost = 0;
    m.engine.spawn(0, 'f', function* (t) {
      yield* m.flushAll(t);
      cost = t.clock;
    });
    m.engine.run();
    const perTarget = ipi.handlerEntryCycles + x86_64.costs.globalFlushPerCpuCycles;
    const send = ipi.broadcastShorthand ? ipi.sendCycles : 3 * ipi.sendCycles;
    expect(cost).toBe(send + ipi.deliveryCycles + perTarget + ipi.ackCycles + x86_64.costs.globalFlushPerCpuCycles);
    expect(m.engine.profiler.cyclesOf(x86_64.symbols.flushHandler)).toBe(3 * perTarget);
    expect(m.engine.counters.get('ipi')).toBe(3);
    // The handler runs at IF = 0: marked for the timer-tick rule (runFromEngine's ticks column).
    expect([...m.engine.profiler.irqOff]).toEqual([x86_64.symbols.flushHandler]);
    expect([...new Machine({ arch: i386 }).engine.profiler.irqOff]).toEqual([
      'smp_call_function_single_interrupt',
      'smp_call_function_interrupt',
    ]);
  });

  it('hardware broadcast (s390) flushes every TLB without an IPI', () => {
    const m = new Machine({ arch: s390, cpus: 4 });
    m.engine.spawn(0, 'f', function* (t) {
      m.setPte(t, 5, 9, 'x');
      yield* m.flushAll(t);
    });
    m.engine.run();
    expect(m.engine.counters.get('ipi')).toBe(0);
    expect(m.engine.clock[0]).toBe(
      s390.costs.pteSetCycles + s390.costs.broadcastFlushCycles + 4 * s390.costs.broadcastFlushPerCpuCycles,
    );
  });
});

describe('TLB stale detector', () => {
  it('catches a deliberately missing flush and stays silent with it', () => {
    for (const flush of [false, true]) {
      const m = new Machine({ arch: x86_64, cpus: 2 });
      m.engine.spawn(0, 'a', function* (t) {
        m.setPte(t, 100, 1, 'map');
        m.touch(t, 100, 'use'); // cached: 100 → 1
        m.clearPte(t, 100, 'unmap');
        m.setPte(t, 100, 2, 'map'); // reused for another frame
        if (flush) m.invlpg(t, 100, 'flush');
        m.touch(t, 100, 'use');
      });
      m.engine.run();
      expect(m.tlb.staleCount).toBe(flush ? 0 : 1);
      if (!flush)
        expect(m.tlb.reports[0]).toMatchObject({ kind: 'stale', cpu: 0, vpn: 100, cachedPfn: 1, currentPfn: 2 });
    }
  });

  it('counts hits and misses and reports access to an unmapped page', () => {
    const m = new Machine({ arch: x86_64, cpus: 1 });
    m.engine.spawn(0, 'a', function* (t) {
      m.setPte(t, 7, 70, 'map');
      m.touch(t, 7, 'use');
      m.touch(t, 7, 'use');
      m.touch(t, 8, 'use');
    });
    m.engine.run();
    expect([m.tlb.hits, m.tlb.misses]).toEqual([1, 2]);
    expect(m.tlb.reports[0].kind).toBe('unmapped');
  });

  it('finds stale aliases of a frame on other CPUs (the Xen/PAT rule)', () => {
    const m = new Machine({ arch: x86_64, cpus: 2 });
    m.engine.spawn(1, 'b', function* (t) {
      m.setPte(t, 300, 42, 'map');
      m.touch(t, 300, 'use');
      m.clearPte(t, 300, 'lazy unmap, no flush');
    });
    m.engine.run();
    expect(m.tlb.staleAliases(42)).toEqual([{ cpu: 1, vpn: 300 }]);
  });
});
