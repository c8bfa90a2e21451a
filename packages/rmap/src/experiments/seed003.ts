// The seed 003 experiment: Rik van Riel's rmap12h on 2.4.19-pre7, "fork + exit of a process with many mapped
// pages", pte_chain vs no rmap (about 20 % bottom line); the hashed lock_rmap posting (Phillips, vs rmap13b) "cut
// that by a percent or two". Its configuration and its one fitted parameter, applied only with
// `--experiment seed003` (docs/fidelity.md). Budget: 2 published figures ⇒ 1 fitted parameter.
import { sourced } from '@kmemsim/mmu';
import type { AllocKind, KernelEra } from '../eras.js';
import type { ForkWorkload } from '../workload.js';

/** An rmap experiment profile (docs/fidelity.md): a seed's configuration and its fitted value. */
export interface RmapExperiment {
  /** The `--experiment` name. */
  name: string;
  /** What the experiment reproduces, one line. */
  description: string;
  /** Built-in arch the experiment runs on, and its CPU count. */
  arch: string;
  /** CPUs of the experiment's machine. */
  cpus: number;
  /** Option defaults of the experiment's configuration (a command line may still override them). */
  defaults: {
    kernel: KernelEra;
    alloc: AllocKind;
    workload: ForkWorkload;
    pages: number;
    anonPct: number;
    children: number;
    rounds: number;
  };
  /** Fitted values, each marked with the figure it was fitted to. */
  fitted: { loopCyclesPerPage: number; sources: Record<string, string> };
  /** Where the configuration's unfitted choices come from. */
  notes: string[];
}

/** Seed 003's experiment: rmap12h on 2.4.19-pre7, fork + exit of a 16,384-page process on a dual PIII. */
export const SEED003: RmapExperiment = {
  name: 'seed003',
  description:
    '2.4.19-pre7 + rmap12h, fork + exit of a process with 16,384 mapped pages (half anonymous, half a shared file), ' +
    'a dual Pentium III',
  arch: 'i386-piii',
  cpus: 2,
  defaults: {
    kernel: '2.4',
    alloc: 'freelist',
    workload: 'fork-exit',
    pages: 16_384,
    anonPct: 50,
    children: 1,
    rounds: 4,
  },
  fitted: sourced({
    loopCyclesPerPage: [
      1685,
      "calibrated: seed 003, figure 003/pte_chain/overhead — the test's own work per mapped page and iteration " +
        "outside do_fork/do_exit (its user-space loop over its pages and the faults that takes; the test's source " +
        'is not in the reference), in the parent before each fork. Fitted in closed form: with N and P the real ' +
        'time of none and pte_chain without it, loop = (P − 1.2 N) / 0.2 over rounds × pages',
    ],
  }),
  notes: [
    '[U] the machine: a dual Pentium III (Coppermine, 1 GHz) stands for the 2002 test box, which the posting does not name',
    '[U] the process: 64 MiB mapped, half private anonymous, half a shared file mapping; 4 fork + exit loops',
    'kernel 2.4: struct page of the 2.4 rmap (pte_chain after lru), pte_chain_freelist allocation, no PageDirect',
  ],
};
