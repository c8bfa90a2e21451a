import type { Thread } from '@kmemsim/core';
import { describe, expect, it } from 'vitest';
import { enteredAfterSkip } from './sampler-entry.js';
import { emptyKind, type Kind, Loop } from './sampler-loop.js';

/** A steady loop of `tag` begun at round `began`. */
function steady(tag: string, began: number): Loop {
  const l = new Loop({ clock: 0 } as unknown as Thread, 1_000, tag, null, false);
  l.began = began;
  return l;
}

function kinds(skips: Record<string, number>): Map<string, Kind> {
  return new Map(Object.entries(skips).map(([tag, skipRound]) => [tag, { ...emptyKind(), skipRound }]));
}

describe('enteredAfterSkip: the workers entered a loop in the arrangement a skip left', () => {
  it('a loop begun after another kind was skipped', () => {
    expect(enteredAfterSkip(steady('b', 50), kinds({ a: 40, b: -1 }))).toBe(true);
  });

  it('a first phase, or one whose predecessors ran in detail, is entered as in the exact run', () => {
    expect(enteredAfterSkip(steady('b', 50), kinds({ a: -1, b: -1 }))).toBe(false);
    expect(enteredAfterSkip(steady('a', 0), kinds({ a: 10 }))).toBe(false);
  });

  it("its own kind's skips, and skips after it began (it was in them), do not count", () => {
    expect(enteredAfterSkip(steady('b', 50), kinds({ a: 50, b: 70 }))).toBe(false);
    expect(enteredAfterSkip(steady('b', 50), kinds({ a: 60, b: 60 }))).toBe(false);
  });
});
