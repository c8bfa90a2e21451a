import { describe, expect, it } from 'vitest';
import { Counters } from './counters.js';
import { Rng } from './rng.js';
import { fls, formatSize, parseSize, SizeError } from './units.js';

describe('sizes', () => {
  it('parses IEC and SI units', () => {
    expect(parseSize('800MiB')).toBe(800 * 2 ** 20);
    expect(parseSize('1.5GiB')).toBe(1.5 * 2 ** 30);
    expect(parseSize('16TiB')).toBe(16 * 2 ** 40);
    expect(parseSize('4096')).toBe(4096);
    expect(parseSize('4k')).toBe(4096);
    expect(parseSize('800MB')).toBe(800e6);
  });
  it('rejects what is not a size, saying what is expected', () => {
    for (const bad of ['', 'lots', '-1MiB', '12XB', '1e3']) expect(() => parseSize(bad)).toThrow(SizeError);
    expect(() => parseSize('lots')).toThrow(/expected a number with an optional unit/);
  });
  it('formats', () => {
    expect(formatSize(1.5 * 2 ** 30)).toBe('1.5 GiB');
    expect(formatSize(800 * 2 ** 20)).toBe('800 MiB');
  });
  it('fls as in the kernel', () => {
    expect([0, 1, 2, 8, 9, 64].map(fls)).toEqual([0, 1, 2, 4, 4, 7]);
  });
});

describe('Rng', () => {
  it('is deterministic per seed and uniform enough', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 1000 }, () => a.float());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.float()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(new Rng(1).u32()).not.toBe(new Rng(2).u32());
  });
});

describe('Counters', () => {
  it('nests dotted names and sorts keys', () => {
    const c = new Counters();
    c.bump('syscalls.read', 3);
    c.bump('ipi', 2);
    c.bump('syscalls.mmap', 1);
    expect(JSON.stringify(c.toJSON())).toBe('{"ipi":2,"syscalls":{"mmap":1,"read":3}}');
  });
});
