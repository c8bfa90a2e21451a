import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IrqDebt } from './irq-debt.js';

describe('IrqDebt', () => {
  it('charges every CPU but the sender, once', () => {
    const d = new IrqDebt(3);
    d.add(0, 10);
    d.add(1, 5);
    expect([d.take(0), d.take(1), d.take(2)]).toEqual([5, 10, 15]);
    expect([d.take(0), d.take(1), d.take(2)]).toEqual([0, 0, 0]);
    expect(d.seen[2]).toBe(d.total);
  });

  it('takes, summed over settles, what a per-CPU charge would have added', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(3), fc.integer({ min: 1, max: 1000 })), { maxLength: 60 }),
        (ops) => {
          const d = new IrqDebt(4);
          const owed = [0, 0, 0, 0];
          const taken = [0, 0, 0, 0];
          for (const [broadcast, cpu, cycles] of ops) {
            if (broadcast) {
              d.add(cpu, cycles);
              for (let c = 0; c < 4; c++) if (c !== cpu) owed[c] += cycles;
            } else taken[cpu] += d.take(cpu);
          }
          for (let c = 0; c < 4; c++) taken[c] += d.take(c);
          expect(taken).toEqual(owed);
        },
      ),
    );
  });
});
