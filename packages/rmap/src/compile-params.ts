// The kernel-compile workload's programs and sizes: what a `make -jN bzImage` of a 2.5 kernel runs per object file
// (make forks /bin/sh -c, which runs gcc, which runs cpp0, cc1 and as — gcc 2.95, the compiler the 2.5 kernels
// asked for), how many pages each touches, and its user time. No source gives these for the 2002 build, so each
// is a "[U lo..hi]" range with its reasoning; none is fitted (seed 004's figures are kept back to check the model).
import { sourced } from '@kmemsim/mmu';

/** Pages a program touches: its text, libc and ld.so text, and private memory (data, bss, heap, stack). */
export interface ProgramImage {
  /** The program (`make`, `sh`, `gcc`, `cpp0`, `cc1`, `as`). */
  name: string;
  /** Its own text pages touched. */
  textPages: number;
  /** glibc text pages touched. */
  libcPages: number;
  /** ld.so text pages touched. */
  ldPages: number;
  /** Private pages faulted in (data, bss, heap, stack). */
  anonPages: number;
  /** Private pages written right after fork, before exec (stack, data): COW breaks in the child. */
  cowPages: number;
  /** User time per run, in cycles of the simulated CPU. */
  userCycles: number;
}

/** The kernel-compile workload's shape: files, pages and user time per program, each with its [U] range. */
export const COMPILE = sourced({
  files: [900, '[U 600..1500] object files compiled by a 2.5 i386 `make bzImage` of a typical configuration'],
  libcPages: [150, '[U 80..300] pages of glibc 2.2 text touched by a typical tool (of ~300)'],
  ldPages: [20, '[U 10..30] ld.so text pages touched at start-up'],
  makeText: [40, '[U 20..80] GNU make text pages touched'],
  makeAnon: [700, "[U 300..2000] make's heap for the kernel tree's dependency graph and variables"],
  makeUserCycles: [2_000_000, "[U 500_000..5_000_000] make's own work per job (target checks, command expansion)"],
  shText: [60, '[U 30..120] /bin/sh (bash 2.05) text pages touched by `sh -c`'],
  shAnon: [40, '[U 20..80] sh heap, data and stack pages'],
  shUserCycles: [1_500_000, '[U 500_000..4_000_000] sh -c: parse one command line, fork, wait'],
  gccText: [30, '[U 15..60] gcc driver text pages touched'],
  gccAnon: [60, '[U 30..120] gcc driver private pages'],
  gccUserCycles: [3_000_000, '[U 1_000_000..8_000_000] gcc driver: option parsing, spec processing, three waits'],
  cppText: [60, '[U 30..120] cpp0 text pages touched'],
  cppAnon: [300, '[U 150..800] cpp0 private pages (macro tables, include buffers)'],
  cppUserCycles: [40_000_000, '[U 20_000_000..100_000_000] cpp0 of a kernel source file and its ~100 headers'],
  cc1Text: [500, '[U 250..800] cc1 text pages touched (of ~2.5 MB)'],
  cc1Anon: [2000, '[U 1000..4000] cc1 private pages: obstacks, RTL and trees of one translation unit at -O2'],
  cc1UserCycles: [
    400_000_000,
    '[U 200_000_000..900_000_000] cc1 -O2 of one kernel source file: about 0.6 s on a 700 MHz PIII',
  ],
  asText: [70, '[U 30..120] GNU as text pages touched'],
  asAnon: [250, '[U 100..500] as private pages'],
  asUserCycles: [20_000_000, '[U 8_000_000..50_000_000] assembling one object'],
  cowPages: [4, '[U 2..8] private pages a child writes between fork and exec (stack, a few data pages)'],
  sourceReadBytes: [
    300 * 1024,
    '[U 100..600 KiB] bytes cpp0 reads through read() from the page cache: the .c file and its headers',
  ],
  objectWriteBytes: [40 * 1024, '[U 10..100 KiB] bytes as writes for the .o file'],
  userChunks: [8, 'the user time of a tool is spent in this many slices, with its page faults spread between them'],
});

/** COMPILE's values without their sources. */
export type CompileParams = Omit<typeof COMPILE, 'sources'>;

/** The image of each program of the build, from the workload's values. */
export function programs(p: CompileParams): Record<'make' | 'sh' | 'gcc' | 'cpp0' | 'cc1' | 'as', ProgramImage> {
  const img = (name: string, t: number, a: number, u: number): ProgramImage => ({
    name,
    textPages: t,
    libcPages: p.libcPages,
    ldPages: p.ldPages,
    anonPages: a,
    cowPages: p.cowPages,
    userCycles: u,
  });
  return {
    make: img('make', p.makeText, p.makeAnon, p.makeUserCycles),
    sh: img('sh', p.shText, p.shAnon, p.shUserCycles),
    gcc: img('gcc', p.gccText, p.gccAnon, p.gccUserCycles),
    cpp0: img('cpp0', p.cppText, p.cppAnon, p.cppUserCycles),
    cc1: img('cc1', p.cc1Text, p.cc1Anon, p.cc1UserCycles),
    as: img('as', p.asText, p.asAnon, p.asUserCycles),
  };
}
