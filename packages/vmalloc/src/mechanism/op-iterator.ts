// The Generator interface of the hand-written op iterators (test_vmalloc's FlowLoop and Handoff, vmap-bench's
// BenchLoop, the purge's PoolFill and Driver): the engine only calls next(); return() and throw() complete it.
import type { Op } from '@kmemsim/core';

export abstract class OpIterator<R> implements Generator<Op | undefined, R, void> {
  /** The one result object this iterator yields through (the engine reads it before the next call). */
  private readonly out: { done: false; value: Op | undefined } = { done: false, value: undefined };

  abstract next(): IteratorResult<Op | undefined, R>;

  /** Ends the iterator where it is (the engine never calls it). */
  abstract return(): IteratorResult<Op | undefined, R>;

  /** Throws `e`. */
  throw(e: unknown): IteratorResult<Op | undefined, R> {
    throw e;
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** Yields `op` through the shared result object. */
  protected yield(op: Op | undefined): IteratorResult<Op | undefined, R> {
    this.out.value = op;
    return this.out;
  }
}
