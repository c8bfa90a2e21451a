// What readprofile samples of a checkpoint run. /proc/profile is fed by profile_tick() from each CPU's timer
// interrupt (2.6.29 kernel/profile.c), so a function holds ticks only while a CPU that takes timer ticks runs it
// with interrupts enabled:
// - An IPI handler runs behind an interrupt gate and never sets IF (smp_call_function_single_interrupt →
//   do_flush_tlb_all, arch/x86/kernel/smp.c and tlb_32.c 2.6.29): a tick that falls due in it is taken after its
//   iret and charged to the code it interrupted. On an idle CPU that is the idle loop (default_idle's halt); on a
//   busy CPU the interrupted code is wherever the IPI arrived, so the handler's time is spread over that task's
//   functions in proportion to their time (the expected sample, as the IPI's arrival is independent of them).
// - With CONFIG_NO_HZ (2.6.21+, kernel/time/tick-sched.c) an idle CPU stops its periodic tick
//   (tick_nohz_stop_sched_tick), and an interrupt taken from idle does not restart it (irq_enter only updates
//   jiffies: tick_check_idle); the tick resumes when the CPU leaves idle. So the idle CPU's time — the handler's
//   included — gets no ticks. Without NO_HZ the idle loop gets one tick per 1/HZ of idle time.
// The model's idle CPUs (no checkpoint writer bound to them) and a writer's io-wait are idle time. Which the seed
// guest ran is not published: `nohz` is [U] (on by default, as the published top 20 has no idle-loop row while
// on_each_cpu and smp_invalidate_interrupt need ≥ 2 CPUs). The NO_HZ code paths named here are recalled from the
// 2.6.29 tree; the reference fact sheets do not cover them.
// The sampling rule and the rows are core's (Profiler.sampled, sampledRows), the IF = 0 handlers those mmu's Machine
// marked for its arch (Profiler.irqOff); this module adds the idle time that ticks without NO_HZ.
import type { Engine, ProfileRow, Thread } from '@kmemsim/core';

/** The x86 idle routine of a 2.6.29 guest without MWAIT (KVM does not expose it): halts until an interrupt. */
export const IDLE_SYMBOL = 'default_idle';

/** How {@link readprofileRows} samples. */
export interface ReadprofileOptions {
  /** The guest kernel's CONFIG_NO_HZ: idle CPUs stop their tick ([U]: the seed guest's config is not published). */
  nohz: boolean;
  /** Timer ticks per second (the guest's HZ). */
  hz: number;
  /** The checkpoint writers (their io-wait is idle time of their CPUs). */
  writers: Thread[];
  /** Cycles from the first writer's start to the last one's end (the run's real time). */
  realCycles: number;
  /** Interrupt handlers that run with IF = 0 throughout (the arch's IPI handlers): never sampled in themselves. */
  irqOff: ReadonlySet<string>;
}

/**
 * readprofile's rows of a run: every symbol's cycles less those charged on idle CPUs (interrupt handlers at IF = 0,
 * sampled in the idle loop or not at all); an IF = 0 handler's cycles on a busy task spread over that task's other
 * symbols in proportion to their cycles; and without NO_HZ a `default_idle` row with the idle time of every CPU
 * (idle CPUs for the whole run, writers' CPUs while they wait for I/O). Most ticks first, ties by name.
 */
export function readprofileRows(e: Engine, o: ReadprofileOptions): ProfileRow[] {
  const idleCpus = e.cpus - o.writers.length;
  const ioWait = o.writers.reduce((a, t) => a + t.idleCycles, 0);
  return e.profiler.sampledRows({
    irqOff: o.irqOff,
    ...(o.nohz ? {} : { idle: { symbol: IDLE_SYMBOL, cycles: idleCpus * o.realCycles + ioWait } }),
    clockHz: e.clockHz,
    tickRateHz: o.hz,
  });
}
