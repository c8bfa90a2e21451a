// VMCOREINFO as makedumpfile reads it: KEY=VALUE lines (SYMBOL/ADDRESS in hex, SIZE/OFFSET/NUMBER/LENGTH decimal).
import { VmcoreFileError } from './vmcore-file.js';

/** A parsed VMCOREINFO note: typed lookups that throw VmcoreFileError naming the missing or malformed key. */
export interface Vmcoreinfo {
  /** The raw value of `key` (`OSRELEASE`, `SYMBOL(mem_map)`, …), or undefined. */
  get(key: string): string | undefined;
  /** Whether the note has `key`. */
  has(key: string): boolean;
  /** SYMBOL(name): a kernel virtual address (hex in the note). */
  symbol(name: string): bigint;
  /** SIZE(name): a structure's size, bytes. */
  size(name: string): number;
  /** OFFSET(member) (`page.flags`): a member's offset, bytes; `fallback` when absent, if given. */
  offset(member: string, fallback?: number): number;
  /** NUMBER(name): a constant (page-flag bits, mapcount values). */
  number(name: string): number;
  /** LENGTH(name): an array's length. */
  length(name: string): number;
  /** NUMBER(phys_base), if VMCOREINFO has it. */
  physBase: bigint | undefined;
  /** KERNELOFFSET (KASLR's virtual offset of the kernel text), 0 without KASLR. */
  kaslrOffset: bigint;
  /** Where the vmemmap starts (VMEMMAP_START of 4-level x86_64, 0xffffea0000000000). */
  vmemmapStart(): bigint;
  /** Every key of the note, in order. */
  keys: string[];
}

export function parseVmcoreinfo(text: string, path: string): Vmcoreinfo {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) map.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  const need = (key: string): string => {
    const v = map.get(key);
    if (v === undefined) throw new VmcoreFileError(`${path}: VMCOREINFO has no ${key}`);
    return v;
  };
  const hexv = (key: string): bigint => {
    const v = need(key);
    if (!/^[0-9a-fA-F]{1,16}$/.test(v))
      throw new VmcoreFileError(`${path}: VMCOREINFO ${key}=${v} is not a hex address`);
    return BigInt(`0x${v}`);
  };
  const dec = (key: string): number => {
    const v = need(key);
    const n = /^-?\d{1,16}$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isFinite(n)) throw new VmcoreFileError(`${path}: VMCOREINFO ${key}=${map.get(key)} is not a number`);
    return n;
  };
  if (map.get('NUMBER(pgtable_l5_enabled)') === '1') {
    throw new VmcoreFileError(`${path}: 5-level paging (NUMBER(pgtable_l5_enabled)=1) is not supported`);
  }
  const kraw = map.get('KERNELOFFSET');
  if (kraw !== undefined && !/^[0-9a-fA-F]{1,16}$/.test(kraw))
    throw new VmcoreFileError(`${path}: VMCOREINFO KERNELOFFSET=${kraw} is not a hex number`);
  const koff = kraw === undefined ? 0n : BigInt(`0x${kraw}`);
  const page = map.get('PAGESIZE');
  if (page !== undefined && page !== '4096') throw new VmcoreFileError(`${path}: PAGESIZE=${page}, only 4096 is read`);
  return {
    get: (k) => map.get(k),
    has: (k) => map.has(k),
    symbol: (name) => hexv(`SYMBOL(${name})`),
    size: (name) => dec(`SIZE(${name})`),
    offset: (member, fallback) =>
      map.has(`OFFSET(${member})`) || fallback === undefined ? dec(`OFFSET(${member})`) : fallback,
    number: (name) => dec(`NUMBER(${name})`),
    length: (name) => dec(`LENGTH(${name})`),
    physBase: map.has('NUMBER(phys_base)') ? BigInt(dec('NUMBER(phys_base)')) : undefined,
    kaslrOffset: koff,
    vmemmapStart: () => 0xffffea0000000000n,
    keys: [...map.keys()],
  };
}
