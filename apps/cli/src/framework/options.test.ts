import { describe, expect, it } from 'vitest';
import { camel, kebab, nearest, snake } from './keys.js';
import { fromArgv, fromObject } from './normalise.js';
import { bool, choice, int, kib, num, size, text } from './options.js';

const schema = {
  nrThreads: int({ description: 'workers', min: 1, max: 64, default: 1 }),
  impl: choice(['legacy', 'lazy'] as const, { description: 'designs', list: true, default: ['legacy'] }),
  pae: bool({ description: 'PAE' }),
  mem: size({ description: 'memory', min: 4096, max: 2 ** 40, default: 2 ** 30 }),
  rate: num({ description: 'MB/s', min: 0.001, max: 1e6 }),
  name: text({ description: 'a name', maxLength: 8 }),
};

describe('option names', () => {
  it('has one name in three spellings', () => {
    for (const k of ['dumpLevel', 'dump-level', 'dump_level']) {
      expect(camel(k)).toBe('dumpLevel');
      expect(kebab(k)).toBe('dump-level');
      expect(snake(k)).toBe('dump_level');
    }
    expect(nearest('thread', ['threads', 'impl'])).toBe('threads');
    expect(nearest('zzz', ['threads', 'impl'])).toBeUndefined();
  });
});

describe('typed values', () => {
  it('parses command-line text and fills defaults', () => {
    const v = fromArgv(schema, { nrThreads: '4', impl: 'lazy,legacy,lazy', pae: 'off', mem: '1.5GiB' });
    expect(v).toEqual({
      nrThreads: 4,
      impl: ['lazy', 'legacy'],
      pae: false,
      mem: 1.5 * 2 ** 30,
      rate: undefined,
      name: undefined,
    });
  });

  it('takes typed values and any key spelling from objects (sweep, calibration, code)', () => {
    const v = fromObject(schema, { nr_threads: 2, impl: ['lazy'], pae: false, mem: 8 * 2 ** 20 });
    expect(v.nrThreads).toBe(2);
    expect(v.pae).toBe(false);
    expect(fromObject(schema, { pae: true }).pae).toBe(true);
    expect(fromObject(schema, { pae: 'on' }).pae).toBe(true);
    expect(fromObject(schema, { mem: '8MiB' }).mem).toBe(fromObject(schema, { mem: 8388608 }).mem);
  });

  it('refuses two spellings of one option, unknown keys (with a suggestion) and output options, all at once', () => {
    expect(() => fromObject(schema, { nr_threads: 1, nrThreads: 2 })).toThrow(
      /nrThreads: the same option as nr_threads \(--nr-threads\)/,
    );
    expect(() => fromObject(schema, { nr_thread: 1, format: 'json' })).toThrow(
      /format: not allowed here.*nr_thread: not an option of this command \(did you mean nrThreads\?\)/,
    );
  });

  it.each([
    [{ nrThreads: 3 * 2 ** 32 }, /an integer from 1 to 64/],
    [{ nrThreads: '1e3' }, /an integer/],
    [{ nrThreads: true }, /got "true"/],
    [{ rate: 1e-300 }, /a number from 0.001 to/],
    [{ rate: 'Infinity' }, /a number from 0.001/],
    [{ rate: '1e400' }, /a number from 0.001/],
    [{ mem: '8Mb' }, /"b" means bits; did you mean 8MB or 8MiB\?/],
    [{ mem: '8mbit' }, /means bits/],
    [{ mem: 1.5 }, /in bytes/],
    [{ pae: 'yes' }, /one of on, off/],
    [{ pae: [true, false] }, /this option takes no list/],
    [{ impl: 'legacy,,lazy' }, /without empty items/],
    [{ impl: 'slab' }, /got "slab", expected one of legacy, lazy/],
    [{ name: 'x'.repeat(9) }, /at most 8 characters/],
  ])('refuses %j', (input, msg) => {
    expect(() => fromObject(schema, input)).toThrow(msg);
  });
});

describe('kib: a buffer size as makedumpfile counts it', () => {
  const s = { buf: kib({ description: 'cyclic buffer', minKiB: 1, maxKiB: 2 ** 20 }) };
  it('reads a bare number as KiB, a unit as bytes, typed numbers (sweep files, parsed values) as bytes', () => {
    expect(fromArgv(s, { buf: '1024' }).buf).toBe(2 ** 20);
    expect(fromArgv(s, { buf: '4MiB' }).buf).toBe(4 * 2 ** 20);
    expect(fromArgv(s, { buf: '2048B' }).buf).toBe(2048);
    expect(fromObject(s, { buf: 8192 }, 'base').buf).toBe(8192);
    expect(fromObject(s, { buf: '8' }, 'base').buf).toBe(8192);
    expect(s.buf.show(3 * 1024)).toBe('3KiB');
    // A sweep parses its file, then runs the command with the parsed values: parsing again changes nothing.
    for (const text of ['1', '4KiB', '1024'])
      expect(s.buf.item(s.buf.item(text, '--buf'), '--buf')).toBe(s.buf.item(text, '--buf'));
  });
  it('refuses what no makedumpfile buffer is: part of a KiB, 0, beyond the range', () => {
    for (const bad of ['1000B', '1.5', '0', '-2', '2GiB', 'lots', '1.5KiB'])
      expect(() => fromArgv(s, { buf: bad }), bad).toThrow(
        /--buf: got ".*", expected a whole number of KiB from 1KiB to 1GiB/,
      );
    expect(() => fromObject(s, { buf: 8 }, 'base')).toThrow(
      /got "8", expected whole KiB from 1024 to .* bytes \(a number in a sweep file is bytes/,
    );
  });
});
