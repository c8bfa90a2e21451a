// --image's bad-input list (issue 11): every malformed or unsupported file is refused with one line naming what is
// wrong, without reading more than the headers it checks. The valid file comes from the independent generator
// (src/testing/foreign-core.ts); each case patches or cuts a copy of it.
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ForeignOptions, writeForeignCore } from '../testing/foreign-core.js';
import { readVmcoreFile, VmcoreFileError } from './vmcore-file.js';

const dir = mkdtempSync(join(tmpdir(), 'kmemsim-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base: ForeignOptions = { ramMiB: 128, cpus: 2, seed: 7, sparse: true, textLoad: true, directMap: '2m' };
const good = join(dir, 'good.vmcore');
const core = writeForeignCore(good, base);
const firstLoad = core.layout.segments[0];
/** An NT_PRSTATUS note: 12-byte header, "CORE\0" padded to 8, a 336-byte x86_64 elf_prstatus. */
const CORE_NOTE = 12 + 8 + 336;

/** A copy of the good file with `patch` applied at byte offsets. */
function patched(name: string, patches: [number, Buffer][]): string {
  const p = join(dir, name);
  copyFileSync(good, p);
  const fd = openSync(p, 'r+');
  try {
    for (const [off, b] of patches) writeSync(fd, b, 0, b.length, off);
  } finally {
    closeSync(fd);
  }
  return p;
}
const u16 = (v: number) => Buffer.from([v & 0xff, v >> 8]);
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};
const u64 = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b;
};
/** A file holding `text`. */
function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}
/** The good generator's file with VMCOREINFO lines edited. */
function edited(name: string, edit: (lines: string[]) => string[], o: Partial<ForeignOptions> = {}): string {
  const p = join(dir, name);
  writeForeignCore(p, { ...base, ...o, vmcoreinfo: edit });
  return p;
}
const without = (key: string) => (lines: string[]) => lines.filter((l) => !l.startsWith(`${key}=`));

function refusal(path: string): string {
  try {
    readVmcoreFile(path);
  } catch (e) {
    expect(e).toBeInstanceOf(VmcoreFileError);
    return (e as Error).message;
  }
  throw new Error(`${path} was accepted`);
}

describe('--image bad input: one line naming what is wrong', () => {
  const phdr = (i: number) => 64 + 56 * i; // phdr i of the generator's file (PT_NOTE is 0)
  const cases: [string, () => string, RegExp][] = [
    ['a text file', () => file('text', 'not a core\n'.repeat(20)), /not an ELF file/],
    ['an empty file', () => file('empty', ''), /0 bytes: too short/],
    [
      'truncated inside the program headers',
      () => {
        const p = patched('cut-ph.vmcore', []);
        truncateSync(p, 100);
        return p;
      },
      /program headers at offset 64 .* past the end of the file \(100 bytes\)/,
    ],
    [
      'a PT_LOAD past the end of the file (the file cut short)',
      () => {
        const p = patched('cut.vmcore', []);
        truncateSync(p, firstLoad.offset + 4096);
        return p;
      },
      /PT_LOAD 1 ends at \d+, past the end of the file/,
    ],
    ['another arch (EM_AARCH64)', () => patched('arm.vmcore', [[18, u16(183)]]), /ELF machine 183, only x86_64/],
    ['an ELF executable, not a core', () => patched('exec.vmcore', [[16, u16(2)]]), /ELF type 2, expected 4/],
    ['32-bit ELF', () => patched('elf32.vmcore', [[4, Buffer.from([1])]]), /only 64-bit little-endian/],
    [
      'a PT_NOTE of 1 TiB',
      () => patched('bignote.vmcore', [[phdr(0) + 32, u64(1n << 40n)]]),
      /PT_NOTE of 1099511627776 bytes/,
    ],
    [
      'a note whose n_descsz is absurd',
      () => patched('desc.vmcore', [[core.layout.headerBytes + 4, u32(0xfffffff0)]]),
      /note at offset \d+ claims name 5 and desc 4294967280 bytes, past the PT_NOTE/,
    ],
    [
      'no VMCOREINFO note',
      () =>
        patched('noinfo.vmcore', [[core.layout.headerBytes + base.cpus * CORE_NOTE + 12, Buffer.from('XMCOREINFO')]]),
      /no VMCOREINFO note/,
    ],
    [
      '5-level paging',
      () => edited('l5.vmcore', (l) => l.map((x) => x.replace('pgtable_l5_enabled)=0', 'pgtable_l5_enabled)=1'))),
      /5-level paging .* is not supported/,
    ],
    [
      'KASLR without phys_base or a kernel-text PT_LOAD',
      () => edited('kaslr.vmcore', without('NUMBER(phys_base)'), { kaslr: true, textLoad: false }),
      /KASLR \(KERNELOFFSET=[0-9a-f]+\) without NUMBER\(phys_base\) or a kernel-text PT_LOAD/,
    ],
    [
      'no mem_map or mem_section symbol',
      () => edited('nomm.vmcore', without('SYMBOL(mem_section)')),
      /neither SYMBOL\(mem_map\) nor SYMBOL\(mem_section\)/,
    ],
    [
      'no init_top_pgt',
      () => edited('nopgt.vmcore', without('SYMBOL(init_top_pgt)')),
      /VMCOREINFO has no SYMBOL\(init_top_pgt\)/,
    ],
    [
      'PAGESIZE 65536',
      () => edited('64k.vmcore', (l) => l.map((x) => (x === 'PAGESIZE=4096' ? 'PAGESIZE=65536' : x))),
      /PAGESIZE=65536, only 4096/,
    ],
    [
      'a directory',
      () => {
        mkdirSync(join(dir, 'd'));
        return join(dir, 'd');
      },
      /is not a regular file/,
    ],
    ['/dev/zero', () => '/dev/zero', /\/dev\/zero is not a regular file/],
    ['a missing file', () => join(dir, 'nope'), /cannot open .*nope: ENOENT/],
  ];
  for (const [name, make, want] of cases) {
    it(name, () => {
      const msg = refusal(make());
      expect(msg).toMatch(want);
      expect(msg).not.toContain('\n');
    });
  }

  it('a VMCOREINFO missing what the dump level needs: named per level, levels that need nothing pass', () => {
    const noLru = readVmcoreFile(edited('nolru.vmcore', without('NUMBER(PG_lru)')));
    expect(noLru.missingFor(0)).toBe('');
    expect(noLru.missingFor(1)).toBe('');
    expect(noLru.missingFor(16)).toBe('');
    expect(noLru.missingFor(4)).toBe('NUMBER(PG_lru)');
    expect(noLru.missingFor(31)).toBe('NUMBER(PG_lru)');
    const noBuddy = readVmcoreFile(edited('nobuddy.vmcore', without('NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)')));
    expect(noBuddy.missingFor(15)).toBe('');
    expect(noBuddy.missingFor(16)).toMatch(/^NUMBER\(PG_buddy\) or NUMBER\(PAGE_BUDDY_MAPCOUNT_VALUE\)/);
  });

  it('the good file is read (the cases above fail for their own reason)', () => {
    expect(readVmcoreFile(good).cpus).toBe(2);
  });
});
