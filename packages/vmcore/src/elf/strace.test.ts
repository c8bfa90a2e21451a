import { describe, expect, it } from 'vitest';
import { countFileSyscalls } from './strace.js';

const F = '/tmp/x/vmcore';
const TRACE = `100 read(3</usr/lib/libc.so.6>, ""..., 832) = 832
100 lseek(4<${F}>, 0, SEEK_SET) = 0
100 read(4<${F}>, ""..., 464) = 464
100 read(5<${F}info>, ""..., 4096) = 591
100 mmap(NULL, 4194304, PROT_READ, MAP_PRIVATE, 3<${F}>, 0x1000) = 0x7f0000000000
100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f1000000000
100 mmap(NULL, 4194304, PROT_READ, MAP_PRIVATE, 3<${F}>, 0x401000) = -1 ENOMEM (Cannot allocate memory)
100 munmap(0x7f1000000000, 8192) = 0
100 munmap(0x7f0000000000, 4194304) = 0
101 pread64(3<${F}>, "a, b", 4096, 8192 <unfinished ...>
100 read(6</dev/null>, "", 1) = 0
101 <... pread64 resumed>) = 4096
100 read(3<${F}>, "x, \\"y\\", z", 4096) = 4096
`;

describe('countFileSyscalls', () => {
  it('counts calls on the one file: fd paths, mmaps that succeeded, munmaps of their addresses, resumed calls', () => {
    expect(countFileSyscalls(TRACE, F)).toEqual({ mmap: 1, munmap: 1, read: 2, pread64: 1, lseek: 1 });
  });

  it('counts nothing for a file the trace never names', () => {
    expect(countFileSyscalls(TRACE, '/tmp/other')).toEqual({ mmap: 0, munmap: 0, read: 0, pread64: 0, lseek: 0 });
  });
});
