// A 4-level page-table walk over a written vmcore, the way makedumpfile's __vtop4_x86_64 does it: the table root
// is a kernel-text address (init_top_pgt - __START_KERNEL_map + phys_base), 1 GiB and 2 MiB pages end the walk early.
import type { VmcoreReader } from './reader.js';
import {
  PAGE_SIZE,
  PGD_SHIFT,
  PMD_SHIFT,
  PTE_PRESENT,
  PTE_PSE,
  PUD_SHIFT,
  START_KERNEL_MAP,
  tableIndex,
} from './x86.js';

const ENTRY_MASK = 0x000f_ffff_ffff_f000n;

function entryAt(r: VmcoreReader, tablePaddr: bigint, index: number): bigint {
  const page = r.page(Number(tablePaddr / BigInt(PAGE_SIZE)));
  if (!page) throw new Error(`page table at ${tablePaddr.toString(16)} is not in the vmcore`);
  return new DataView(page.buffer).getBigUint64(index * 8, true);
}

/** Physical address of `vaddr`, or undefined when a level is not present. */
export function translate(r: VmcoreReader, initTopPgt: bigint, vaddr: bigint): bigint | undefined {
  let table = initTopPgt - START_KERNEL_MAP;
  const levels: [bigint, bigint][] = [
    [PGD_SHIFT, 0n],
    [PUD_SHIFT, (1n << PUD_SHIFT) - 1n],
    [PMD_SHIFT, (1n << PMD_SHIFT) - 1n],
    [12n, 0xfffn],
  ];
  for (const [shift, large] of levels) {
    const e = entryAt(r, table, tableIndex(vaddr, shift));
    if ((e & PTE_PRESENT) === 0n) return undefined;
    if (shift === 12n) return (e & ENTRY_MASK) + (vaddr & 0xfffn);
    if (large !== 0n && (e & PTE_PSE) !== 0n) return (e & ENTRY_MASK & ~large) + (vaddr & large);
    table = e & ENTRY_MASK;
  }
  return undefined;
}
