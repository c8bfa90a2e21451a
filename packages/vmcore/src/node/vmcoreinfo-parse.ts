// VMCOREINFO as makedumpfile reads it: KEY=VALUE lines (SYMBOL/ADDRESS in hex, SIZE/OFFSET/NUMBER/LENGTH decimal).
import { VmcoreFileError } from './vmcore-file.js';

export interface Vmcoreinfo {
  get(key: string): string | undefined;
  has(key: string): boolean;
  symbol(name: string): bigint;
  size(name: string): number;
  offset(member: string, fallback?: number): number;
  number(name: string): number;
  /** LENGTH(name): an array's length. */
  length(name: string): number;
  /** NUMBER(phys_base), if VMCOREINFO has it. */
  physBase: bigint | undefined;
  /** KERNELOFFSET (KASLR's virtual offset of the kernel text), 0 without KASLR. */
  kaslrOffset: bigint;
  vmemmapStart(): bigint;
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
