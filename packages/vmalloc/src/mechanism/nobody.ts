// The stand-in thread of the functional fast path (functional.ts): the searches it runs charge nothing, and the
// finders tell no vmlist walk of it (hole.ts). Its own module so the finders need not import the fast path.
import type { Thread } from '@kmemsim/core';

/** A thread that pays for nothing: the searches' charges are dropped (hole.ts tells no vmlist walk of it). */
export const NOBODY = { spend() {}, cpu: 0 } as unknown as Thread;
