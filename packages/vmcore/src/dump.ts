// One makedumpfile run on a simulated machine: the model's counts (makedumpfile.ts) charged as user work in
// makedumpfile and kernel work in /proc/vmcore (proc-vmcore.ts), output to /dev/null or a disk, as one result run
// with time(1), perf-stat-like counters (counters.syscalls) and a perf-report profile.
import { IoDevice, type Run, runFromEngine, type SymbolId } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import { PAGE_CLASSES } from './classes.js';
import type { VmcoreImage } from './image.js';
import { DEFAULT_KERNEL, vmcoreKernel } from './kernel-era.js';
import { type DumpCounts, type DumpOptions, simulateSpec, specOptionsOf } from './makedumpfile.js';
import { specFromImage } from './mdf/from-image.js';
import type { DumpSpec } from './mdf/types.js';
import { KERNEL_COSTS, USER_COSTS } from './params.js';
import { ProcVmcore } from './proc-vmcore.js';

export type OutputTarget = 'null' | 'disk';

export interface VmcoreDumpOptions extends DumpOptions {
  machine: Machine;
  /** The crashed machine as the image model, or `spec`: what makedumpfile sees of a vmcore (e.g. a real file). */
  image?: VmcoreImage;
  spec?: DumpSpec;
  /** /dev/null (seed 001) or a file on a simulated disk. */
  output?: OutputTarget;
  /** x86_64 copy_oldmem_page: set_iounmap_nonlazy before each iounmap (default: the kernel era's). */
  iounmapNonlazy?: boolean;
}

export interface VmcoreDumpResult {
  run: Run;
  counts: DumpCounts;
}

/** Slices the work is charged in, so output I/O overlaps CPU work the way writeback does. */
const SLICES = 64;

export function runVmcoreDump(o: VmcoreDumpOptions): VmcoreDumpResult {
  const m = o.machine;
  const spec = o.spec ?? (o.image ? specFromImage(o.image, specOptionsOf(o)) : undefined);
  if (!spec) throw new RangeError('runVmcoreDump needs an image or a spec');
  const e = m.engine;
  const kernel = o.kernel ?? vmcoreKernel(DEFAULT_KERNEL);
  const counts = simulateSpec(spec, { ...o, kernel });
  const output = o.output ?? 'null';
  const page = spec.pageBytes;
  const totalPages = spec.loads.reduce((a, l) => a + l.pages, 0);
  const a = m.arch.costs;
  const U = USER_COSTS;
  const K = KERNEL_COSTS;
  const proc = new ProcVmcore(m, { kernel, iounmapNonlazy: o.iounmapNonlazy });
  const u = (name: string) => e.sym(name, 'user');
  const k = (name: string) => e.sym(name, 'sys');
  const mmapMode = o.access === 'mmap';
  const windowPages = mmapMode ? counts.copiedPages : 0;
  const sc = counts.syscalls;
  const totalCalls = sc.mmap + sc.munmap + sc.read + sc.lseek + sc.write;
  const writeBytes = counts.outputBytes;
  // Per-symbol totals, charged in SLICES equal parts.
  const work: [SymbolId, number][] = [
    [
      u('readmem'),
      counts.readmemCalls * U.readmemCallCycles +
        counts.copiedPages * page * a.memcpyCyclesPerByte +
        windowPages * m.cost.tlbMissCycles,
    ],
    [u('vaddr_to_paddr'), counts.translations * U.translateCycles],
    [u('__exclude_unnecessary_pages'), counts.structPages * U.structPageCycles],
    [u('is_zero_page'), counts.zeroChecked * page * U.zeroCheckCyclesPerByte],
    [
      u(o.format === 'elf' ? 'write_elf_pages_cyclic' : 'write_kdump_pages_cyclic'),
      counts.dumpedPages * U.writePageCycles,
    ],
    [u('set_bitmap'), spec.maxMapnr * U.bitmapCyclesPerPage * (1 + counts.memMapWalks)],
    [k('system_call'), totalCalls * a.syscallCycles],
    [k('sys_lseek'), sc.lseek * K.lseekCycles],
    [
      k(output === 'null' ? 'write_null' : 'generic_perform_write'),
      output === 'null' ? sc.write * K.writeNullCycles : writeBytes * K.writeFileCyclesPerByte,
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
  return { run, counts };
}
