import { describe, expect, it } from 'vitest';
import { parseDumpReport } from './report.js';

// makedumpfile 1.7.2's closing report at --message-level 31 (from a run on a 64 MiB image written by writer.ts).
const REPORT = `
Original pages  : 0x0000000000003f9f
  Excluded pages   : 0x0000000000003800
    Pages filled with zero  : 0x0000000000000800
    Non-private cache pages : 0x0000000000000800
    Private cache pages     : 0x0000000000000400
    User process data pages : 0x0000000000000c00
    Free pages              : 0x0000000000001800
    Hwpoison pages          : 0x0000000000000000
    Offline pages           : 0x0000000000000000
  Remaining pages  : 0x000000000000079f
  (The number of pages is reduced to 12%.)
Memory Hole     : 0x0000000000000061
--------------------------------------------------
Total pages     : 0x0000000000004000
`;

describe('parseDumpReport', () => {
  it('reads every count (hex) of the report', () => {
    expect(parseDumpReport(REPORT)).toEqual({
      originalPages: 16_287,
      excluded: { zero: 2048, cache: 2048, private: 1024, user: 3072, free: 6144, hwpoison: 0, offline: 0 },
      remainingPages: 1951,
      memoryHolePages: 97,
      totalPages: 16_384,
    });
  });

  it('names the missing line when the report is incomplete', () => {
    expect(() => parseDumpReport(REPORT.replace(/ {4}Free pages.*\n/, ''))).toThrow('"Free pages"');
  });
});
