// vmcore-dump's makedumpfile-side flags on every arch and version: what makedumpfile itself takes, kmemsim takes
// (and the run reads it: the counts change); what no makedumpfile or kernel can give, kmemsim refuses in one line.
// - --cyclic-buffer N: every version takes it, in KiB (sources-vmcore.md §5), on every arch; a bare number is KiB.
// - --hwpoison: NUMBER(PG_hwpoison) in VMCOREINFO; every version walks mem_map for it even at -d 0 (§4).
// - --struct-page: SIZE(page) in VMCOREINFO, a sizeof: whole words of the arch (its `unsigned long flags`).
import { describe, expect, it } from 'vitest';
import { runCommand } from '../framework/invoke.js';
import { compileSweep, point } from '../sweep/spec.js';
import { cli } from '../testing/in-process.js';

type Syscalls = Record<string, number>;
// [arch, bytes a word, memory of 16,384 pfns or more: two 1 KiB cycles]
const ARCHES = [
  ['s390', 8, '64MiB'],
  ['x86_64', 8, '64MiB'],
  ['i386', 4, '64MiB'],
  ['ia64', 8, '256MiB'],
] as const;
const VERSIONS = ['1.5.7', '1.5.8', '1.7.2'] as const;

async function run(args: string[]): Promise<{ params: Record<string, unknown>; vmcore: Syscalls; all: Syscalls }> {
  const r = await cli(['vmcore-dump', '--sensitivity', 'off', '--format', 'json', ...args]);
  expect(r.code, r.err).toBe(0);
  const doc = JSON.parse(r.out);
  const { vmcore, syscalls: all } = doc.runs[0].counters;
  return { params: doc.params, vmcore, all };
}
type Image = { mem_map: { structPageBytes: number } };

describe('vmcore-dump --cyclic-buffer / --hwpoison / --struct-page per arch and makedumpfile version', () => {
  for (const [arch, word, mem] of ARCHES) {
    for (const version of VERSIONS) {
      it(`${arch}, makedumpfile ${version}: each flag is taken and read`, async () => {
        const at = (...a: string[]) => run(['--arch', arch, '--mem', mem, '--makedumpfile', version, ...a]);
        // --cyclic-buffer 1 is 1 KiB, as makedumpfile reads it: 8,192-pfn cycles, 2 at 64 MiB, each bitmap written
        // once a cycle (more writes than one cycle or the 1.7.2 non-cyclic run).
        const mmap31 = ['--access', 'mmap', '--dump-level', '31'];
        const kib = await at(...mmap31, '--cyclic-buffer', '1');
        expect(kib.params.cyclic_buffer_bytes).toBe(1024);
        expect(kib.all.write).toBeGreaterThan((await at(...mmap31)).all.write);
        expect((await at(...mmap31, '--cyclic-buffer', '1KiB')).all).toEqual(kib.all);
        // PG_hwpoison: -d 0 walks mem_map too, one read() per page of struct pages.
        const read0 = ['--access', 'read', '--dump-level', '0'];
        const hw = await at(...read0, '--hwpoison', 'on');
        expect(hw.params.hwpoison).toBe(true);
        expect(hw.vmcore.read).toBeGreaterThan((await at(...read0)).vmcore.read);
        // A struct page four words longer than the arch's: more pages of mem_map to read at -d 31.
        const read31 = ['--access', 'read', '--dump-level', '31'];
        const base = await at(...read31);
        const sp = (base.params.image as Image).mem_map.structPageBytes + 4 * word;
        const big = await at(...read31, '--struct-page', String(sp));
        expect((big.params.image as Image).mem_map.structPageBytes).toBe(sp);
        expect(big.vmcore.read).toBeGreaterThan(base.vmcore.read);
      });
    }
  }

  // [arguments, the one line]: values no makedumpfile run can have.
  const REFUSED: [string[], RegExp][] = [
    [['--cyclic-buffer', '1000B'], /--cyclic-buffer: got "1000B", expected a whole number of KiB from 1KiB to 1TiB/],
    [['--cyclic-buffer', '1.5'], /--cyclic-buffer: got "1.5", expected a whole number of KiB/],
    [['--cyclic-buffer', '0'], /--cyclic-buffer: got "0", expected a whole number of KiB from 1KiB/],
    [['--cyclic-buffer', '2TiB'], /--cyclic-buffer: got "2TiB", expected a whole number of KiB from 1KiB to 1TiB/],
    [['--cyclic-buffer', '4kb'], /--cyclic-buffer: got "4kb", expected .*"b" means bits/],
    [['--struct-page', '60'], /--struct-page: got "60", expected a multiple of 8 bytes on s390/],
    [['--arch', 'x86_64', '--struct-page', '68'], /--struct-page: got "68", expected a multiple of 8 bytes on x86_64/],
    [['--arch', 'ia64', '--struct-page', '52'], /--struct-page: got "52", expected a multiple of 8 bytes on ia64/],
    [['--arch', 'i386', '--struct-page', '34'], /--struct-page: got "34", expected a multiple of 4 bytes on i386/],
    [['--struct-page', '8'], /--struct-page: got "8", expected an integer from 32 to 256/],
    [['--struct-page', '24'], /--struct-page: got "24", expected an integer from 32 to 256/],
    [['--hwpoison', 'yes'], /--hwpoison: got "yes", expected one of on, off/],
  ];
  for (const [args, says] of REFUSED) {
    it(`refuses ${args.join(' ')}: one line, exit 2`, async () => {
      const r = await cli(['vmcore-dump', '--mem', '16MiB', ...args]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(says);
    });
  }

  it('a sweep file: "4" is 4 KiB, 8KiB 8 KiB, a number bytes; the command gets each buffer as parsed once', async () => {
    const base = { arch: 'x86_64', mem: '64MiB', 'dump-level': 31, access: 'mmap' };
    const s = compileSweep({ command: 'vmcore-dump', base, grid: { 'cyclic-buffer': ['4', '8KiB', 16384] } }, 't');
    const got: unknown[] = [];
    for (let i = 0; i < s.total; i++) {
      const p = point(s, i);
      got.push((await runCommand('vmcore-dump', { ...p.options, seed: p.seed })).params.cyclic_buffer_bytes);
    }
    expect(got).toEqual([4096, 8192, 16384]);
    expect(() => compileSweep({ command: 'vmcore-dump', grid: { 'cyclic-buffer': [4] } }, 't')).toThrow(
      /cyclic-buffer.*got "4", expected whole KiB .* \(a number in a sweep file is bytes/,
    );
  });

  it('--help says the unit', async () => {
    const r = await cli(['vmcore-dump', '--help']);
    expect(r.out.replace(/\s+/g, ' ')).toMatch(
      /--cyclic-buffer <KiB> makedumpfile --cyclic-buffer: .* a bare number counts KiB \(as makedumpfile reads it\)/,
    );
  });
});
