// Parses makedumpfile's closing report (printed with --message-level 31): the excluded pages per class.
import type { ClassCounts } from '../classes.js';

/** The page counts of makedumpfile's closing report (hexadecimal in the text). */
export interface DumpReport {
  /** "Original pages": pages of the PT_LOADs. */
  originalPages: number;
  /** Pages excluded, by the report's line ("Pages filled with zero", "Free pages", …). */
  excluded: Omit<ClassCounts, 'kernel'> & { hwpoison: number; offline: number };
  /** "Remaining pages": pages written to the dump. */
  remainingPages: number;
  /** "Memory Hole": pages in holes between PT_LOADs. */
  memoryHolePages: number;
  /** "Total pages": original pages plus holes. */
  totalPages: number;
}

const FIELDS: [string, keyof DumpReport['excluded']][] = [
  ['Pages filled with zero', 'zero'],
  ['Non-private cache pages', 'cache'],
  ['Private cache pages', 'private'],
  ['User process data pages', 'user'],
  ['Free pages', 'free'],
  ['Hwpoison pages', 'hwpoison'],
  ['Offline pages', 'offline'],
];

function field(text: string, label: string): number {
  const m = new RegExp(`${label}\\s*:\\s*0x([0-9a-f]+)`).exec(text);
  if (!m) throw new Error(`makedumpfile report has no "${label}" line`);
  return Number.parseInt(m[1], 16);
}

/** Reads makedumpfile's closing report (`--message-level 31`) from its output; throws on a missing line. */
export function parseDumpReport(text: string): DumpReport {
  const excluded = { zero: 0, cache: 0, private: 0, user: 0, free: 0, hwpoison: 0, offline: 0 };
  for (const [label, key] of FIELDS) excluded[key] = field(text, label);
  return {
    originalPages: field(text, 'Original pages'),
    excluded,
    remainingPages: field(text, 'Remaining pages'),
    memoryHolePages: field(text, 'Memory Hole'),
    totalPages: field(text, 'Total pages'),
  };
}
