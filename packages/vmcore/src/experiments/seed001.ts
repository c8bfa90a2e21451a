// Experiment profile of seed 001 (makedumpfile on s390x, kexec list, March 2015): the setup the posting gives
// (s390 KVM guest, 1.5 GiB, makedumpfile 1.5.7 with -d 0, perf stat) and the two values fitted to its figures
// (fit budget: 8 published numbers ⇒ 2). Applied only with `kmemsim vmcore-dump --experiment seed001`.
//
// Which 1.5.7: stock 1.5.7 cannot mmap on s390 (initialize_mmap passes PT_LOAD[0]'s physical start, 0, as a
// file offset and fails, so the whole run uses read()); the posting's mmap-mode counts (482 mmaps) need commit
// f822608, which maps PT_LOAD[0]'s file offset. The model follows 1.5.7's source with that fix
// (fixedInitMmap157), everything else as 1.5.7: one window, munmap before every mmap.
import { sourced } from '@kmemsim/mmu';

const MiB = 2 ** 20;

/** Seed 001's experiment profile: the posting's setup as defaults and the two values fitted to its figures. */
export const SEED001 = {
  name: 'seed001',
  /** The posting's setup: defaults of `vmcore-dump --experiment seed001`. */
  config: {
    arch: 's390',
    memBytes: 1536 * MiB,
    makedumpfile: '1.5.7' as const,
    fixedInitMmap157: true,
    profile: 'idle-guest' as const,
    /**
     * [U 3.12..3.19] the guest's kernel is not given; mmap of /proc/vmcore on s390 needs remap_oldmem_pfn_range
     * (3.12), and March 2015 distributions shipped 3.12 (SLES 12): ptep_flush_lazy era, two-copy bounce reads.
     */
    kernel: '3.12',
  },
  values: sourced({
    extraLoadBytes: [
      256 * MiB,
      'calibrated: seed 001, figure 001/read/d0/read — both modes say the vmcore listed 1.75 GiB of pages, not ' +
        'the 1.5 GiB of RAM: 458,917 − 165 = 458,752 page reads (non-mmap) and 482 − 34 = 448 windows of 4 MiB ' +
        '(mmap). What the 256 MiB beyond RAM is (a larger guest than stated, standby memory) is not established; it ' +
        'is modelled as 256 MiB more pages right after RAM (so one PT_LOAD of 1.75 GiB), for this experiment only.',
    ],
    processReads: [
      134,
      'calibrated: seed 001, figure 001/mmap/d0/read — the reads of the 1.5.7 process outside /proc/vmcore ' +
        '(libraries, /proc/meminfo, the VMCOREINFO temp file): 165 less the 31 the model makes on the vmcore ' +
        '(29 start-up reads for 1 PT_LOAD and 9 notes, 1 kernel page, the PT_NOTE). 1.7.2 makes 204 on its own.',
    ],
    crashCpus: [1, '[U 1..4] CPUs of the crashed guest (not given); each adds 14 start-up reads (7 notes)'],
  }),
};
