import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { TraceRecorder } from './trace.js';

describe('TraceRecorder', () => {
  it('merges contiguous spans of one symbol per CPU, in microseconds', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e6 }); // 1 cycle = 1 µs
    const rec = new TraceRecorder();
    rec.attach(e, 'demo');
    e.spawn(0, 'a', function* (t) {
      t.spend('a', 5);
      t.spend('a', 5);
      t.spend('b', 3);
      t.spend('a', 2);
    });
    e.run();
    const spans = rec.events.filter((x) => x.ph === 'X').map((x) => [x.name, x.ts, x.dur]);
    expect(spans).toEqual([
      ['a', 0, 10],
      ['b', 10, 3],
      ['a', 13, 2],
    ]);
  });

  it('caps the number of events and counts what it dropped', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e6 });
    const rec = new TraceRecorder({ maxEvents: 3 });
    rec.attach(e);
    e.spawn(0, 'a', function* (t) {
      for (let i = 0; i < 10; i++) t.spend(i % 2 ? 'x' : 'y', 1);
    });
    e.run();
    expect(rec.events.filter((x) => x.ph === 'X')).toHaveLength(3);
    expect(rec.toJSON().otherData.droppedEvents).toBe(7);
  });
});
