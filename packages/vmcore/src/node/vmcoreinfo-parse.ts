// VMCOREINFO as makedumpfile reads it: KEY=VALUE lines (SYMBOL/ADDRESS in hex, SIZE/OFFSET/NUMBER/LENGTH decimal).
import { VmcoreFileError } from './vmcore-file.js';

export interface Vmcoreinfo {
  get(key: string): string | undefined;
  has(key: string): boolean;
  symbol(name: string): bigint;
  size(name: string): number;
  offset(member: string, fallback?: number): number;
  number(name: string): number;
  physBase: bigint;
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
  const dec = (key: string): number => {
    const n = Number(need(key));
    if (!Number.isFinite(n)) throw new VmcoreFileError(`${path}: VMCOREINFO ${key}=${map.get(key)} is not a number`);
    return n;
  };
  if (map.get('NUMBER(pgtable_l5_enabled)') === '1') {
    throw new VmcoreFileError(`${path}: 5-level paging (NUMBER(pgtable_l5_enabled)=1) is not supported`);
  }
  const koff = map.has('KERNELOFFSET') ? BigInt(`0x${map.get('KERNELOFFSET')}`) : 0n;
  if (koff !== 0n) {
    throw new VmcoreFileError(
      `${path}: KASLR (KERNELOFFSET=${map.get('KERNELOFFSET')}) is not supported: symbols would need relocating`,
    );
  }
  const page = map.get('PAGESIZE');
  if (page !== undefined && page !== '4096') throw new VmcoreFileError(`${path}: PAGESIZE=${page}, only 4096 is read`);
  if (!map.has('SYMBOL(mem_map)') && map.has('SYMBOL(mem_section)')) {
    throw new VmcoreFileError(
      `${path}: SPARSEMEM (SYMBOL(mem_section)) is not supported yet: only a flat mem_map (SYMBOL(mem_map))`,
    );
  }
  return {
    get: (k) => map.get(k),
    has: (k) => map.has(k),
    symbol: (name) => BigInt(`0x${need(`SYMBOL(${name})`)}`),
    size: (name) => dec(`SIZE(${name})`),
    offset: (member, fallback) =>
      map.has(`OFFSET(${member})`) || fallback === undefined ? dec(`OFFSET(${member})`) : fallback,
    number: (name) => dec(`NUMBER(${name})`),
    physBase: map.has('NUMBER(phys_base)') ? BigInt(dec('NUMBER(phys_base)')) : 0n,
    vmemmapStart: () => 0xffffea0000000000n,
    keys: [...map.keys()],
  };
}
