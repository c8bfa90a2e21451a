// Reads a vmcore written by writer.ts back: PT_LOAD table, VMCOREINFO text and single pages, as makedumpfile
// finds them. Used to check that the file holds exactly what the model planted.
import { closeSync, openSync, readSync } from 'node:fs';
import { PAGE_SIZE } from './x86.js';

/** A PT_LOAD program header of a vmcore file. */
export interface ElfLoad {
  /** p_paddr: physical address of the segment, bytes. */
  paddr: bigint;
  /** p_vaddr: kernel virtual address of the segment (direct map), bytes. */
  vaddr: bigint;
  /** p_offset: where its data starts in the file, bytes. */
  offset: number;
  /** p_filesz: bytes of data in the file. */
  size: number;
}

/**
 * Reads an x86_64 ELF vmcore (one that kmemsim wrote, or a kernel's): its PT_LOADs, its notes, VMCOREINFO and
 * single pages by pfn. Holds the file open until {@link VmcoreReader.close}.
 */
export class VmcoreReader {
  /** The PT_LOAD program headers, in file order. */
  readonly loads: ElfLoad[] = [];
  /** The notes of the PT_NOTE segment(s), in order, with their descriptors. */
  readonly notes: { name: string; type: number; desc: Uint8Array }[] = [];
  private fd: number;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
    const eh = this.bytes(0, 64);
    const v = new DataView(eh.buffer);
    if (v.getUint32(0, false) !== 0x7f454c46) throw new Error(`${path}: not an ELF file`);
    const phoff = Number(v.getBigUint64(32, true));
    const phnum = v.getUint16(56, true);
    const ph = new DataView(this.bytes(phoff, phnum * 56).buffer);
    for (let i = 0; i < phnum; i++) {
      const b = i * 56;
      const type = ph.getUint32(b, true);
      const offset = Number(ph.getBigUint64(b + 8, true));
      const size = Number(ph.getBigUint64(b + 32, true));
      if (type === 1)
        this.loads.push({ paddr: ph.getBigUint64(b + 24, true), vaddr: ph.getBigUint64(b + 16, true), offset, size });
      else if (type === 4) this.readNotes(offset, size);
    }
  }

  private bytes(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    const got = readSync(this.fd, out, 0, length, offset);
    if (got !== length) throw new Error(`short read at ${offset}: ${got} of ${length}`);
    return out;
  }

  private readNotes(offset: number, size: number): void {
    const buf = this.bytes(offset, size);
    const v = new DataView(buf.buffer);
    const pad4 = (n: number) => (n + 3) & ~3;
    for (let at = 0; at + 12 <= size; ) {
      const namesz = v.getUint32(at, true);
      const descsz = v.getUint32(at + 4, true);
      const type = v.getUint32(at + 8, true);
      const name = new TextDecoder().decode(buf.subarray(at + 12, at + 12 + namesz - 1));
      const d = at + 12 + pad4(namesz);
      this.notes.push({ name, type, desc: buf.slice(d, d + descsz) });
      at = d + pad4(descsz);
    }
  }

  /** The VMCOREINFO note's text (`KEY=value` lines). */
  vmcoreinfo(): string {
    const n = this.notes.find((x) => x.name === 'VMCOREINFO');
    return n ? new TextDecoder().decode(n.desc) : '';
  }

  /** The page at physical frame `pfn`, or undefined when no PT_LOAD holds it. */
  page(pfn: number): Uint8Array | undefined {
    const paddr = BigInt(pfn) * BigInt(PAGE_SIZE);
    for (const l of this.loads) {
      if (paddr >= l.paddr && paddr < l.paddr + BigInt(l.size))
        return this.bytes(l.offset + Number(paddr - l.paddr), PAGE_SIZE);
    }
    return undefined;
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.fd);
  }
}
