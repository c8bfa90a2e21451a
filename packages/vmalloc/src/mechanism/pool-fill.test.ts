import type { Op } from '@kmemsim/core';
import { describe, expect, it } from 'vitest';
import type { Gen } from '../types.js';
import { OpIterator } from './op-iterator.js';
import { Driver, HANDOFF } from './pool-fill.js';

const op = (name: string): Op & { name: string } => ({ name, perform: () => false });

/** Yields its ops one by one, recording each step in `log`. */
class Ops extends OpIterator<void> {
  private i = 0;
  constructor(
    private readonly ops: Op[],
    private readonly log: string[],
  ) {
    super();
  }
  next(): IteratorResult<Op | undefined, void> {
    if (this.i === this.ops.length) {
      this.log.push('inner done');
      return { done: true, value: undefined };
    }
    return this.yield(this.ops[this.i++]);
  }
  return(): IteratorResult<Op | undefined, void> {
    return { done: true, value: undefined };
  }
}

describe('Driver', () => {
  it('runs a handed-over iterator in place of `yield*` of it: the same ops, the generator resumed after', () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(op);
    const run = (handoff: boolean) => {
      const log: string[] = [];
      let driver: Driver | null = null;
      function* body(): Gen {
        yield a;
        const inner = new Ops([b, c], log);
        if (handoff && driver !== null) {
          driver.active = inner;
          yield HANDOFF;
        } else yield* inner;
        log.push('after');
        yield d;
      }
      driver = new Driver(body());
      const it = handoff ? driver : body();
      for (let r = it.next(); !r.done; r = it.next()) log.push((r.value as Op & { name: string }).name);
      return log;
    };
    expect(run(true)).toEqual(['a', 'b', 'c', 'inner done', 'after', 'd']);
    expect(run(true)).toEqual(run(false));
  });
});
