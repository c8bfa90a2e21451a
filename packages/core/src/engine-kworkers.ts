// The engine's kworker plumbing, kept beside it: the Kworkers it creates when a workload first queues work, the
// thread each queued work runs in, and the Op a cond_resched point yields. The engine keeps the state (its clock,
// threads and live count); these only build on it, in the order queueWork always did.
import type { Engine } from './engine.js';
import type { Op, ThreadBody } from './engine-hooks.js';
import { Kworkers } from './kworkers.js';
import { Thread } from './thread.js';
import { Work } from './workqueue.js';

/** The engine's kworkers, sharing its CPUs by its scheduler record ({@link Engine.sched}); `run` readies a thread. */
export function newKworkers(e: Engine, run: (t: Thread, at: number) => void): Kworkers {
  return new Kworkers({ clock: e.clock, run, boundOn: (c) => e.threadOn(c) }, e.cpus, e.sched, e.clockHz);
}

/** A queued work's kworker thread on `cpu`, registered with the engine and blocked on the workqueue until run. */
export function kworkerThread(e: Engine, cpu: number, name: string, body: ThreadBody): Work {
  const w = new Thread(e, e.threads.length, cpu, name);
  const work = new Work(e, w);
  w.kworker = true;
  w.state = 'blocked';
  w.blockedOn = 'workqueue';
  w.readyAt = w.startCycle = e.now();
  w.gen = work.body(body);
  e.threads.push(w);
  return work;
}

/**
 * The Op of a cond_resched point whose need_resched is set: the caller blocks (preempted) and the CPU's other task
 * runs, unless the fair scheduler no longer has it due (then `unblock`, and the caller goes on).
 */
export function reschedOp(e: Engine, kw: () => Kworkers, unblock: (t: Thread) => false): Op {
  return {
    perform: (t: Thread): boolean => {
      const k = kw();
      if (!k.due(t, e.clock[t.cpu])) return false;
      e.block(t, t.kworker ? 'preempted by bound thread' : 'preempted by kworker');
      return k.resched(t) || unblock(t);
    },
  };
}
