// The [U] sensitivity of a vmcore-dump verdict: the linear shortcut (no re-run for params.ts costs) equals a
// re-run, every ranged value the timing reads is moved, and a verdict that flips within a range says so.
import { s390 } from '@kmemsim/arch-s390';
import { type ArchProfile, Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { chargedCounts, runVmcoreDump } from './dump.js';
import { buildImage, kernelBlock } from './image.js';
import { simulateSpec, specOptionsOf } from './makedumpfile.js';
import { specFromImage } from './mdf/from-image.js';
import { KERNEL_COSTS, USER_COSTS } from './params.js';
import { dumpKnobs, dumpSensitivity } from './sensitivity.js';

const MiB = 2 ** 20;
const machine = (arch: ArchProfile = s390) => new Machine({ arch, cpus: 1, seed: 1 });
const image = buildImage({ arch: s390, memBytes: 256 * MiB, profile: 'idle-guest', seed: 1 });
const RUNS = [
  { access: 'read', dumpLevel: 0 },
  { access: 'mmap', dumpLevel: 0 },
  { access: 'read', dumpLevel: 31 },
  { access: 'mmap', dumpLevel: 31 },
] as const;

describe('vmcore-dump sensitivity', () => {
  it('a busy run moves by Δ value × charges for every params.ts cost (what the shortcut assumes)', () => {
    const spec = specFromImage(image, specOptionsOf({}));
    for (const r of RUNS) {
      const o = { spec, version: '1.7.2' as const, ...r };
      const counts = simulateSpec(spec, o);
      const base = runVmcoreDump({ ...o, machine: machine(), counts }).run.time;
      expect(base.user_s).not.toBeNull(); // makedumpfile's user time is modelled
      expect(Math.abs(base.real_s - (base.user_s ?? 0) - base.sys_s)).toBeLessThanOrEqual(2e-6); // no idle time
      const n = chargedCounts(spec, counts, 'null');
      for (const k of dumpKnobs(s390)) {
        if (k.kind === 'arch') continue;
        const costs = k.kind === 'user' ? { user: { [k.key]: k.hi } } : { kernel: { [k.key]: k.hi } };
        const moved = runVmcoreDump({ ...o, machine: machine(), counts, costs }).run.time.real_s;
        const charges = k.kind === 'user' ? n.user[k.key] : n.kernel[k.key];
        const predicted = base.real_s + ((k.hi - k.value) * charges) / s390.clockHz;
        expect(Math.abs(moved - predicted), `${k.kind}.${k.key}`).toBeLessThanOrEqual(1.5e-6); // both µs-rounded
      }
    }
  });

  it('moves every ranged cost the runs read: user always, the kernel by output target and mappings', () => {
    const keys = (o: Parameters<typeof dumpKnobs>[1]) => dumpKnobs(s390, o).map((k) => `${k.kind}.${k.key}`);
    const user = Object.keys(USER_COSTS.sources).map((k) => `user.${k}`);
    const kernel = Object.keys(KERNEL_COSTS.sources).map((k) => `kernel.${k}`);
    expect(keys({ output: 'null', mapped: true })).toEqual([
      ...user,
      ...kernel.filter((k) => !/writeFile|disk/.test(k)),
    ]);
    expect(keys({ output: 'disk', mapped: false })).toEqual([
      ...user,
      ...kernel.filter((k) => !/writeNull|mmapRegion|munmapCall|vmNormalPage/.test(k)),
    ]);
  });

  it('holds for the default runs, and each entry flips exactly when an end gives another order', () => {
    const s = dumpSensitivity({ base: { image, version: '1.7.2' }, runs: RUNS, arch: s390, machine });
    expect(s.verdict).toBe('mmap -d 31 < read -d 31 < mmap -d 0 < read -d 0');
    expect(s.entries.length).toBe(12);
    for (const e of s.entries) expect(e.flips).toBe(e.verdict_lo !== s.verdict || e.verdict_hi !== s.verdict);
    expect(s.entries.some((e) => e.flips)).toBe(false);
  });

  it('a modelled image: the IMAGE [U] values are moved too, each on an image rebuilt with it', () => {
    const imageOptions = { arch: s390, memBytes: 256 * MiB, profile: 'idle-guest' as const, seed: 1 };
    const s = dumpSensitivity({ base: { image, version: '1.7.2' }, runs: RUNS, arch: s390, machine, imageOptions });
    const moved = s.entries.filter((e) => e.parameter.startsWith('image.'));
    expect(moved.map((e) => [e.parameter, e.value, e.lo, e.hi])).toEqual([
      ['image.kernelImageBytes', 32 * MiB, 16 * MiB, 64 * MiB],
      ['image.minKernelImagePages', 64, 16, 256],
    ]);
    for (const e of moved) expect([e.verdict_lo, e.verdict_hi]).toEqual([s.verdict, s.verdict]);
  });

  it('the same kernel block is the same image (why an IMAGE value that moves neither needs no rebuild)', () => {
    const o = { arch: s390, memBytes: 256 * MiB, profile: 'idle-guest' as const, seed: 1 };
    const ends = [{ kernelImageBytes: 16 * MiB }, { kernelImageBytes: 64 * MiB, minKernelImagePages: 256 }];
    for (const e of ends) {
      expect(kernelBlock({ ...o, ...e })).toEqual(kernelBlock(o));
      expect(buildImage({ ...o, ...e })).toEqual(image);
    }
    // At 1.5 GiB the distro kernel's size binds: 16 and 64 MiB give other blocks (the sweep rebuilds).
    const big = { ...o, memBytes: 1536 * MiB };
    expect([16, 32, 64].map((m) => kernelBlock({ ...big, kernelImageBytes: m * MiB }).kPages)).toEqual([
      4096, 8192, 16384,
    ]);
  });

  it('says so when a verdict flips: read vs mmap at -d 0 onto a 100 MB/s disk turns on read_vmcore per call', () => {
    const s = dumpSensitivity({
      base: { image, version: '1.7.2', output: 'disk' },
      runs: RUNS.slice(0, 2),
      arch: s390,
      machine,
    });
    const flips = s.entries.filter((e) => e.flips).map((e) => e.parameter);
    expect(flips).toContain('kernel_costs.readVmcoreCallCycles');
  });
});
