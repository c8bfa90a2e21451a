// One makedumpfile run on a simulated machine: the model's counts (makedumpfile.ts) charged as user work in
// makedumpfile and kernel work in /proc/vmcore (proc-vmcore.ts), output to /dev/null or a disk, as one result run
// with time(1), perf-stat-like counters (counters.syscalls) and a perf-report profile.
import { IoDevice, runFromEngine, type SymbolId, type TypedRun } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import { PAGE_CLASSES, type PageClass } from './classes.js';
import type { VmcoreImage } from './image.js';
import { DEFAULT_KERNEL, vmcoreKernel } from './kernel-era.js';
import { type DumpCounts, type DumpOptions, simulateSpec, specOptionsOf } from './makedumpfile.js';
import { specFromImage } from './mdf/from-image.js';
import type { DumpSpec } from './mdf/types.js';
import { KERNEL_COSTS, type KernelCosts, USER_COSTS, type UserCosts } from './params.js';
import { ProcVmcore } from './proc-vmcore.js';

/**
 * How many times a run charges each params.ts cost (cycles per call, page or byte): its CPU time is linear in each.
 * The disk's rate and latency are not charged as cycles (0 here). ProcVmcore charges the kernel's per call.
 */
export function chargedCounts(
  spec: DumpSpec,
  counts: DumpCounts,
  output: OutputTarget,
): { user: Record<keyof UserCosts, number>; kernel: Record<keyof KernelCosts, number> } {
  const sc = counts.syscalls;
  const v = counts.vmcore;
  return {
    user: {
      readmemCallCycles: counts.readmemCalls,
      translateCycles: counts.translations,
      structPageCycles: counts.structPages,
      zeroCheckCyclesPerByte: counts.zeroChecked * spec.pageBytes,
      writePageCycles: counts.dumpedPages,
      bitmapCyclesPerPage: spec.maxMapnr * (1 + counts.memMapWalks),
    },
    kernel: {
      readVmcoreCallCycles: v.read,
      mmapRegionCycles: v.mmap,
      munmapCallCycles: v.munmapCalls,
      vmNormalPageCycles: v.munmapPages,
      lseekCycles: sc.lseek,
      writeNullCycles: output === 'null' ? sc.write : 0,
      writeFileCyclesPerByte: output === 'null' ? 0 : counts.outputBytes,
      diskBytesPerSecond: 0,
      diskLatencySeconds: 0,
    },
  };
}

/** Where makedumpfile writes the dump: /dev/null (seed 001) or a file on a simulated disk. */
export type OutputTarget = 'null' | 'disk';

/**
 * Options of {@link runVmcoreDump}: makedumpfile's version and flags, the crashed machine's image (or a spec read
 * from a real vmcore), the machine it runs on.
 */
export interface VmcoreDumpOptions extends DumpOptions {
  /** The capture kernel's machine (arch, virt mode, CPUs). */
  machine: Machine;
  /** The crashed machine as the image model, or `spec`: what makedumpfile sees of a vmcore (e.g. a real file). */
  image?: VmcoreImage;
  /**
   * What makedumpfile sees of a vmcore, instead of `image` (e.g. read from a real file with `@kmemsim/vmcore/node`).
   */
  spec?: DumpSpec;
  /** /dev/null (seed 001) or a file on a simulated disk. */
  output?: OutputTarget;
  /** x86_64 copy_oldmem_page: set_iounmap_nonlazy before each iounmap (default: the kernel era's). */
  iounmapNonlazy?: boolean;
  /** Costs other than USER_COSTS / KERNEL_COSTS (the [U] sensitivity sweep moves them one at a time). */
  costs?: { user?: Partial<UserCosts>; kernel?: Partial<KernelCosts> };
  /** The counts `simulateSpec` gives for this spec and these options, when already known (costs change no count). */
  counts?: DumpCounts;
}

/** The headline numbers of a vmcore-dump run (`run.metrics`). */
export type VmcoreMetrics = {
  /** Pages of the crashed machine's memory. */
  pages_total: number;
  /** Pages written to the dump. */
  pages_dumped: number;
  /** Pages excluded by the dump level. */
  pages_excluded: number;
  /** mmap() calls on /proc/vmcore. */
  vmcore_mmap: number;
  /** munmap() calls of /proc/vmcore mappings. */
  vmcore_munmap: number;
  /** read() calls on /proc/vmcore. */
  vmcore_read: number;
  /** Every system call of the process (strace -f -c total). */
  syscalls_total: number;
  /** mmap + munmap + read calls of the process (the seed 001 figure). */
  syscalls_mmap_munmap_read: number;
  /** Bytes of dump output. */
  output_bytes: number;
};

/** The counters a vmcore-dump run always has (`run.counters`), besides the machine's own. */
export type VmcoreCounters = {
  /** System calls of the makedumpfile process, as strace counts them. */
  syscalls: { mmap: number; munmap: number; read: number; lseek: number; write: number };
  /** Calls on /proc/vmcore itself (strace -y attributes them to the file). */
  vmcore: { mmap: number; munmap: number; read: number; lseek: number };
  /** Pages written, and pages excluded per class (every class but kernel). */
  pages: { dumped: number; excluded: { [C in Exclude<PageClass, 'kernel'>]: number } };
  /** Passes over the mem_map and struct pages examined. */
  mem_map: { walks: number; struct_pages: number };
};

/** A vmcore-dump run with its metrics and counters typed: `run.counters.syscalls.mmap` is a number. */
export type VmcoreRun = TypedRun<VmcoreMetrics, VmcoreCounters>;

/** What {@link runVmcoreDump} returns. */
export interface VmcoreDumpResult {
  /** The run for the result document: time(1), `counters.syscalls.*` as strace would count them, the profile. */
  run: VmcoreRun;
  /** The makedumpfile model's counts (syscalls per kind, pages read, written, excluded). */
  counts: DumpCounts;
}

/** Slices the work is charged in, so output I/O overlaps CPU work the way writeback does. */
const SLICES = 64;

/**
 * Runs one makedumpfile over /proc/vmcore on a simulated machine (seed 001): the model's calls charged as user work
 * in makedumpfile and kernel work in /proc/vmcore (read or mmap, ioremap per page on x86_64), output to /dev/null
 * or a disk.
 * @example
 * ```ts
 * import { s390 } from '@kmemsim/arch-s390';
 * import { Machine } from '@kmemsim/mmu';
 * import { buildImage, runVmcoreDump } from '@kmemsim/vmcore';
 * const image = buildImage({ arch: s390, memBytes: 2 ** 30, profile: 'idle-guest', seed: 1 });
 * const { run } = runVmcoreDump({ machine: new Machine({ arch: s390 }), image, version: '1.5.7', access: 'mmap', dumpLevel: 31 });
 * run.counters.syscalls; // { mmap: …, munmap: …, read: …, lseek: …, write: … }
 * ```
 */
export function runVmcoreDump(o: VmcoreDumpOptions): VmcoreDumpResult {
  const m = o.machine;
  const spec = o.spec ?? (o.image ? specFromImage(o.image, specOptionsOf(o)) : undefined);
  if (!spec) throw new RangeError('runVmcoreDump needs an image or a spec');
  const e = m.engine;
  const kernel = o.kernel ?? vmcoreKernel(DEFAULT_KERNEL);
  const counts = o.counts ?? simulateSpec(spec, { ...o, kernel });
  const output = o.output ?? 'null';
  const page = spec.pageBytes;
  const totalPages = spec.loads.reduce((a, l) => a + l.pages, 0);
  const a = m.arch.costs;
  const U = { ...USER_COSTS, ...o.costs?.user };
  const K = { ...KERNEL_COSTS, ...o.costs?.kernel };
  const proc = new ProcVmcore(m, { kernel, iounmapNonlazy: o.iounmapNonlazy, costs: K });
  const u = (name: string) => e.sym(name, 'user');
  const k = (name: string) => e.sym(name, 'sys');
  const mmapMode = o.access === 'mmap';
  const windowPages = mmapMode ? counts.copiedPages : 0;
  const sc = counts.syscalls;
  const totalCalls = sc.mmap + sc.munmap + sc.read + sc.lseek + sc.write;
  const writeBytes = counts.outputBytes;
  // Per-symbol totals, charged in SLICES equal parts.
  const n = chargedCounts(spec, counts, output);
  const work: [SymbolId, number][] = [
    [
      u('readmem'),
      n.user.readmemCallCycles * U.readmemCallCycles +
        counts.copiedPages * page * a.memcpyCyclesPerByte +
        windowPages * m.cost.tlbMissCycles,
    ],
    [u('vaddr_to_paddr'), n.user.translateCycles * U.translateCycles],
    [u('__exclude_unnecessary_pages'), n.user.structPageCycles * U.structPageCycles],
    [u('is_zero_page'), n.user.zeroCheckCyclesPerByte * U.zeroCheckCyclesPerByte],
    [
      u(o.format === 'elf' ? 'write_elf_pages_cyclic' : 'write_kdump_pages_cyclic'),
      n.user.writePageCycles * U.writePageCycles,
    ],
    [u('set_bitmap'), n.user.bitmapCyclesPerPage * U.bitmapCyclesPerPage],
    [k('system_call'), totalCalls * a.syscallCycles],
    [k('sys_lseek'), n.kernel.lseekCycles * K.lseekCycles],
    [
      k(output === 'null' ? 'write_null' : 'generic_perform_write'),
      n.kernel.writeNullCycles * K.writeNullCycles + n.kernel.writeFileCyclesPerByte * K.writeFileCyclesPerByte,
    ],
  ];
  const disk =
    output === 'disk'
      ? new IoDevice(e, { name: 'disk', bytesPerSecond: K.diskBytesPerSecond, latencySeconds: K.diskLatencySeconds })
      : null;
  const v = counts.vmcore;
  // munmaps within the x86 range-flush ceiling are flushed page by page (flush_tlb_mm_range).
  const ceiling = m.arch.tlb.rangeFlushCeilingPages;
  let small = 0;
  let smallPages = 0;
  for (const [size, calls] of Object.entries(v.munmapSizes)) {
    if (Number(size) > ceiling) continue;
    small += calls;
    smallPages += calls * Number(size);
  }
  const failed = v.munmapCalls - v.munmap;
  const thread = e.spawn(0, 'makedumpfile', function* (t) {
    for (let i = 0; i < SLICES; i++) {
      const part = (n: number) => Math.floor((n * (i + 1)) / SLICES) - Math.floor((n * i) / SLICES);
      for (const [sym, cycles] of work) t.spend(sym, cycles / SLICES);
      yield* proc.read(t, part(v.read), spec.loads[0].startPfn);
      proc.mmap(t, part(v.mmap), part(v.mmapPages));
      proc.munmap(t, {
        n: part(v.munmap),
        pages: part(v.munmapPages),
        small: part(small),
        smallPages: part(smallPages),
        full: part(v.munmap - small),
        failed: part(failed),
      });
      if (disk) disk.submitAt(t.clock, part(writeBytes));
    }
    if (disk) t.idleUntil(disk.busyUntil, 'io_schedule');
  });
  e.run();
  const c = e.counters;
  for (const [name, n] of Object.entries(sc)) c.bump(`syscalls.${name}`, n, `${name}() calls of the process`);
  for (const name of ['mmap', 'munmap', 'read', 'lseek'] as const) {
    c.bump(`vmcore.${name}`, v[name], `${name}() calls on /proc/vmcore`);
  }
  c.bump('pages.dumped', counts.dumpedPages, 'pages written to the dump');
  for (const cls of PAGE_CLASSES) {
    if (cls !== 'kernel') c.bump(`pages.excluded.${cls}`, counts.excluded[cls], `${cls} pages excluded`);
  }
  c.bump('mem_map.walks', counts.memMapWalks, 'passes over the mem_map');
  c.bump('mem_map.struct_pages', counts.structPages, 'struct pages examined');
  const excluded = PAGE_CLASSES.reduce((s, cls) => s + counts.excluded[cls], 0);
  const run = runFromEngine(e, {
    variant: { access: o.access, dump_level: o.dumpLevel },
    metrics: {
      pages_total: totalPages,
      pages_dumped: counts.dumpedPages,
      pages_excluded: excluded,
      vmcore_mmap: v.mmap,
      vmcore_munmap: v.munmap,
      vmcore_read: v.read,
      syscalls_total: totalCalls,
      syscalls_mmap_munmap_read: sc.mmap + sc.munmap + sc.read,
      output_bytes: writeBytes,
    },
    threads: [thread],
    tickRateHz: m.arch.hz,
  });
  // The counters VmcoreCounters names were all bumped just above (zero counts included), so the view is exact.
  return { run: run as VmcoreRun, counts };
}
