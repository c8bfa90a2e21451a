// Counts the system calls a traced process made on one file, from `strace -f -y` output: read, pread64 and lseek
// name the file in their fd argument (strace -y prints `3</path>`), mmap in its fifth argument; munmap names no
// file, so it counts when it unmaps an address that an mmap of the file returned.

/** System calls on one file, counted from an `strace -f -y` trace. */
export interface FileSyscalls {
  /** mmap calls on the file. */
  mmap: number;
  /** munmap calls of its mappings. */
  munmap: number;
  /** read calls on the file. */
  read: number;
  /** pread64 calls on the file. */
  pread64: number;
  /** lseek calls on the file. */
  lseek: number;
}

const CALL = /^(?:\[pid\s+)?(?:\d+\]?\s+)?(\w+)\((.*)\)\s+=\s+(-?\w+)/;

function fdNames(arg: string | undefined, path: string): boolean {
  return arg?.trim().endsWith(`<${path}>`) ?? false;
}

/** Splits top-level call arguments (strings in the trace are quoted; commas inside quotes do not split). */
function args(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '\\') {
        cur += c + (s[++i] ?? '');
        continue;
      }
      if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

const UNFINISHED = /^(\d+)\s+(.*) <unfinished \.\.\.>$/;
const RESUMED = /^(\d+)\s+<\.\.\. \w+ resumed>\s?(.*)$/;

/** With -f, a call interrupted by another thread's is split into "<unfinished ...>" and "<... resumed>" lines. */
function* joinResumed(lines: string[]): Generator<string> {
  const pending = new Map<string, string>();
  for (const line of lines) {
    const u = UNFINISHED.exec(line);
    if (u) {
      pending.set(u[1], `${u[1]} ${u[2]}`);
      continue;
    }
    const r = RESUMED.exec(line);
    if (r) {
      const head = pending.get(r[1]);
      pending.delete(r[1]);
      if (head !== undefined) yield `${head}${r[2]}`;
      continue;
    }
    yield line;
  }
}

/** Counts the calls on `path` in an `strace -f -y` trace (munmap: of addresses an mmap of the file returned). */
export function countFileSyscalls(trace: string, path: string): FileSyscalls {
  const counts: FileSyscalls = { mmap: 0, munmap: 0, read: 0, pread64: 0, lseek: 0 };
  const mapped = new Set<string>();
  for (const line of joinResumed(trace.split('\n'))) {
    const m = CALL.exec(line);
    if (!m) continue;
    const [, name, rawArgs, ret] = m;
    const a = args(rawArgs);
    switch (name) {
      case 'read':
      case 'pread64':
      case 'lseek':
        if (fdNames(a[0], path)) counts[name]++;
        break;
      case 'mmap':
        if (fdNames(a[4], path) && ret.startsWith('0x')) {
          counts.mmap++;
          mapped.add(ret);
        }
        break;
      case 'munmap':
        if (mapped.delete(a[0])) counts.munmap++;
        break;
    }
  }
  return counts;
}

/** write() calls on `path` in an `strace -f -y` trace (the dump output, when write is traced). */
export function countWrites(trace: string, path: string): number {
  let n = 0;
  for (const line of joinResumed(trace.split('\n'))) {
    const m = CALL.exec(line);
    if (m?.[1] === 'write' && fdNames(args(m[2])[0], path)) n++;
  }
  return n;
}
