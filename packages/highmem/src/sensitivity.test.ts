// The kmap vs kmap_atomic verdicts the README states, and that they hold across every [U] range the runs depend on.
import i386 from '@kmemsim/arch-i386';
import { TimerTick } from '@kmemsim/core';
import { describe, expect, it, vi } from 'vitest';
import { checkpointSensitivity } from './sensitivity.js';

const MiB = 2 ** 20;
// The seed's configuration: i386 PAE guest, 2 vCPUs, KVM shadow paging; a 64 MiB run (per-page costs decide).
const guest = {
  arch: i386,
  virt: 'kvm-shadow',
  pae: true,
  cpus: 2,
  maps: ['kmap', 'kmap_atomic'],
  sizeBytes: 64 * MiB,
} as const;

describe('checkpoint verdict across the [U] ranges', () => {
  it('sourced-only i386 kvm-shadow (KVM 2.6.29, 2 vCPUs, PAE): kmap < kmap_atomic at both ends of every range', () => {
    const s = checkpointSensitivity({ ...guest, maps: [...guest.maps] });
    expect(s.verdict).toBe('kmap < kmap_atomic');
    const names = s.entries.map((e) => e.parameter);
    for (const k of ['radixWarmLoadCycles', 'bdevTreeHeight', 'refillCyclesPerCall']) {
      expect(names.some((n) => n.endsWith(k))).toBe(true);
    }
    expect(s.entries.filter((e) => e.flips).map((e) => e.parameter)).toEqual([]);
  }, 120_000);

  it('the seed000 experiment: kmap < kmap_atomic, refitted at both ends of every range', () => {
    const s = checkpointSensitivity({ ...guest, maps: [...guest.maps], experiment: 'seed000' });
    expect(s.verdict).toBe('kmap < kmap_atomic');
    expect(s.entries.some((e) => e.parameter.endsWith('vmExitCycles'))).toBe(true); // the round trip, pinned
    expect(s.entries.filter((e) => e.flips).map((e) => e.parameter)).toEqual([]);
  }, 120_000);

  it("runs its machines with the command's timer tick (the CLI's --tick), none without it", () => {
    const spend = vi.spyOn(TimerTick.prototype, 'spend');
    try {
      const small = { ...guest, maps: [...guest.maps], sizeBytes: 4 * MiB };
      checkpointSensitivity(small);
      expect(spend).not.toHaveBeenCalled();
      const s = checkpointSensitivity({ ...small, tick: { hz: 1000, handlerCycles: 5000, phase: 'aligned' } });
      expect(spend).toHaveBeenCalled();
      expect(s.verdict).toBe('kmap < kmap_atomic');
    } finally {
      spend.mockRestore();
    }
  }, 120_000);
});
