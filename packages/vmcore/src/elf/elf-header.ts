// The ELF64 core header of a /proc/vmcore: ELF header, one PT_NOTE, one PT_LOAD per RAM range in the direct map,
// then the notes (NT_PRSTATUS "CORE" per CPU, then "VMCOREINFO"). Segments start page-aligned, as /proc/vmcore
// lays them out since 3.11 so that they can be mmapped.
import { PAGE_OFFSET, PAGE_SIZE } from './x86.js';

const EHDR = 64;
const PHDR = 56;
const PT_LOAD = 1;
const PT_NOTE = 4;
const NT_PRSTATUS = 1;
/** sizeof(struct elf_prstatus) on x86_64. */
const PRSTATUS_BYTES = 336;
const PR_PID_OFFSET = 32;

export interface LoadSegment {
  startPfn: number;
  pages: number;
  /** File offset of the segment's first page. */
  offset: number;
}

export interface ElfHeaderBlock {
  bytes: Uint8Array;
  segments: LoadSegment[];
  /** Offset of the first segment = where page data begins. */
  dataOffset: number;
  fileBytes: number;
}

const pad4 = (n: number) => (n + 3) & ~3;

function note(name: string, type: number, desc: Uint8Array): Uint8Array {
  const nameBytes = new TextEncoder().encode(`${name}\0`);
  const out = new Uint8Array(12 + pad4(nameBytes.length) + pad4(desc.length));
  const v = new DataView(out.buffer);
  v.setUint32(0, nameBytes.length, true);
  v.setUint32(4, desc.length, true);
  v.setUint32(8, type, true);
  out.set(nameBytes, 12);
  out.set(desc, 12 + pad4(nameBytes.length));
  return out;
}

export function buildNotes(cpus: number, vmcoreinfo: string): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let cpu = 0; cpu < cpus; cpu++) {
    const pr = new Uint8Array(PRSTATUS_BYTES);
    new DataView(pr.buffer).setInt32(PR_PID_OFFSET, cpu === 0 ? 1 : 0, true);
    parts.push(note('CORE', NT_PRSTATUS, pr));
  }
  parts.push(note('VMCOREINFO', 0, new TextEncoder().encode(vmcoreinfo)));
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function buildElfHeader(
  loads: readonly { startPfn: number; pages: number }[],
  notes: Uint8Array,
): ElfHeaderBlock {
  const phnum = 1 + loads.length;
  const notesOffset = EHDR + PHDR * phnum;
  const dataOffset = Math.ceil((notesOffset + notes.length) / PAGE_SIZE) * PAGE_SIZE;
  const bytes = new Uint8Array(notesOffset + notes.length);
  const v = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0); // ELFCLASS64, little-endian, EV_CURRENT, SYSV
  v.setUint16(16, 4, true); // ET_CORE
  v.setUint16(18, 62, true); // EM_X86_64
  v.setUint32(20, 1, true);
  v.setBigUint64(32, BigInt(EHDR), true); // e_phoff
  v.setUint16(52, EHDR, true);
  v.setUint16(54, PHDR, true);
  v.setUint16(56, phnum, true);
  const ph = (i: number, type: number, flags: number, off: number, vaddr: bigint, paddr: bigint, size: number) => {
    const b = EHDR + i * PHDR;
    v.setUint32(b, type, true);
    v.setUint32(b + 4, flags, true);
    v.setBigUint64(b + 8, BigInt(off), true);
    v.setBigUint64(b + 16, vaddr, true);
    v.setBigUint64(b + 24, paddr, true);
    v.setBigUint64(b + 32, BigInt(size), true);
    v.setBigUint64(b + 40, BigInt(size), true);
  };
  ph(0, PT_NOTE, 0, notesOffset, 0n, 0n, notes.length);
  const segments: LoadSegment[] = [];
  let off = dataOffset;
  loads.forEach((l, i) => {
    const paddr = BigInt(l.startPfn) * BigInt(PAGE_SIZE);
    ph(1 + i, PT_LOAD, 7, off, PAGE_OFFSET + paddr, paddr, l.pages * PAGE_SIZE);
    segments.push({ startPfn: l.startPfn, pages: l.pages, offset: off });
    off += l.pages * PAGE_SIZE;
  });
  bytes.set(notes, notesOffset);
  return { bytes, segments, dataOffset, fileBytes: off };
}
