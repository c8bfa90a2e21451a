import { describe, expect, it } from 'vitest';
import { displayWidth, table } from './table.js';

const widest = (s: string) => Math.max(...s.split('\n').map(displayWidth));

describe('table', () => {
  it('right-aligns numbers and keeps its natural width when it fits', () => {
    const t = table(
      ['design', 'ns/op', 'error'],
      [
        ['legacy', 14700.9, '-5.1%'],
        ['percpu', 2892.3, '+0.0%'],
      ],
      { width: 200 },
    );
    expect(t).toContain('│ legacy │ 14,700.9 │ -5.1% │');
    expect(t).toContain('│ percpu │  2,892.3 │ +0.0% │');
  });

  it('fits the width: constant columns go above the table, text wraps at spaces, no word is cut', () => {
    const rows = [
      ['a_rather_long_field_name', 'x86_64', 'AMD Family 10h: 512-entry L2 TLB (BKDG for Family 10h, section 2.9)', 8],
      ['another_field', 'x86_64', 'Documentation/x86/x86_64/mm.txt: 32 TB vmalloc/ioremap space', 16],
    ];
    const t = table(['field', 'arch', 'source', 'n'], rows, { width: 70 });
    expect(widest(t)).toBeLessThanOrEqual(70);
    expect(t.split('\n')[0]).toBe('same in every row: arch x86_64');
    expect(t).not.toContain('…');
    expect(t).toContain('Documentation/x86/x86_64/mm.txt:');
    // Narrower than its longest word: the word is broken across lines, not cut.
    const narrow = table(['field', 'arch', 'source', 'n'], rows, { width: 50 });
    expect(widest(narrow)).toBeLessThanOrEqual(50);
    expect(narrow).not.toContain('…');
  });

  it('splits a table of numbers that cannot fit into tables that do, repeating the key column', () => {
    const head = ['access', ...Array.from({ length: 12 }, (_, i) => `count${i}`)];
    const rows = ['read', 'mmap'].map((a, k) => [a, ...Array.from({ length: 12 }, (_, i) => 100_000 * (i + k + 1))]);
    const t = table(head, rows, { width: 80 });
    expect(widest(t)).toBeLessThanOrEqual(80);
    expect(t.match(/│ access/g)?.length).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 12; i++) expect(t).toContain(`count${i}`);
  });

  it('wide tables never exceed the width, whatever the content', () => {
    for (const width of [60, 80, 100, 120]) {
      const rows = Array.from({ length: 5 }, (_, r) => [
        `row-${r}-${'x'.repeat(r * 7)}`,
        'some words that can wrap across several lines of a narrow column',
        r * 12345.678,
        `${r}%`,
      ]);
      expect(widest(table(['key', 'text', 'value', 'share'], rows, { width }))).toBeLessThanOrEqual(width);
    }
  });
});
