// Issue 15's failures found by trying kmemsim as a new user would: the files they need (plugins that hang, loop or
// throw, sweep files, sweep outputs that are not) and each command line with the exit code and the one stderr line
// it must give. regressions.test.ts runs them against the built binary.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type CliOptions, REPO } from './testing/run-cli.js';
import { tempFiles } from './testing/temp-files.js';

export const { dir, put } = tempFiles('kmemsim-issue15-');
const ARM64 = join(REPO, 'examples/arm64/arm64.mjs');
const fast = { env: { KMEMSIM_PLUGIN_TIMEOUT_MS: '1500' } };

const tla = put('tla.mjs', 'await new Promise(() => {});\nexport default {};\n');
const loop = put('loop.mjs', 'while (true) {}\nexport default {};\n');
const cyclic = put('cyclic.mjs', "const a = { name: 'x' };\na.self = a;\nexport default a;\n");
const thrownNull = put('null.mjs', 'throw null;\n');
const getter = put('getter.mjs', "export default { get name() { throw new Error('boom'); } };\n");
const proxy = put('proxy.mjs', 'export default new Proxy({}, { get() { throw 1; }, ownKeys() { throw 2; } });\n');
const pow2 = put(
  'pow2.mjs',
  `import a from ${JSON.stringify(ARM64)};\nexport default { ...a, pageBytes: 3 * 2 ** 32 };\n`,
);
// 512-byte pages: 16 TiB is 2^35 of them, too many 1 KiB (8,192-pfn) cycles.
const smallPages = put(
  'small-pages.mjs',
  `import a from ${JSON.stringify(ARM64)};\nexport default { ...a, name: 'small', pageBytes: 512 };\n`,
);
const clock = put('clock.mjs', `import a from ${JSON.stringify(ARM64)};\nexport default { ...a, clockHz: 1e-300 };\n`);

export const small = put(
  'small.yaml',
  'command: checkpoint\nbase: { size: 4MiB, map: kmap }\ngrid: { pae: [off, on] }\n',
);
const tlaSweep = put('tla.yaml', `command: checkpoint\nbase: { arch: ${tla}, size: 4MiB }\ngrid: { map: [kmap] }\n`);
const axis = `[${Array.from({ length: 100 }, (_, i) => i + 1).join(', ')}]`;
const million = put(
  'million.yaml',
  `command: vmap-bench\nbase: { cpus: 100 }\ngrid: { iterations: ${axis}, pages: ${axis}, threads: ${axis} }\n`,
);
const header = (points: number) =>
  `${JSON.stringify({ format: 'kmemsim/sweep@1', fingerprint: 'f'.repeat(32), command: 'checkpoint', points, shard: '0/1' })}\n`;
const nullLine = put('null.jsonl', `${header(2)}null\n`);
const binary = put('binary.jsonl', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a, 0x80, 0x81]));
const jsonDoc = put('doc.json', '{\n  "schema": "kmemsim/result@1",\n  "command": "checkpoint"\n}\n');
const outDir = join(dir, 'a-directory');
mkdirSync(outDir);
/** A 16 TiB dump: the output checks must refuse before the run, which would take minutes. */
const hugeDump = ['vmcore-dump', '--arch', 'x86_64', '--mem', '16TiB', '--dump-level', '0', '--access', 'read'];

/** A command line, the exit code it must give, and what its one stderr line must say. */
export interface Case {
  name: string;
  args: string[];
  opts?: CliOptions;
  code: number;
  /** The one stderr line must match. */
  says: RegExp;
}

export const CASES: Case[] = [
  // 4: a plugin whose top-level await never settles; and a sweep over it
  {
    name: 'unsettled top-level await',
    args: ['checkpoint', '--arch', tla],
    opts: fast,
    code: 2,
    says: /did not finish loading/,
  },
  {
    name: 'sweep over that plugin',
    args: ['sweep', tlaSweep, '--out', join(dir, 'tla.jsonl')],
    opts: fast,
    code: 2,
    says: /did not finish loading/,
  },
  // lesser: a plugin with while(true)
  {
    name: 'plugin with while(true)',
    args: ['arch', 'show', loop],
    opts: fast,
    code: 2,
    says: /did not finish loading within 1.5 s/,
  },
  // 7: non-regular files
  {
    name: 'sweep --out /dev/zero',
    args: ['sweep', small, '--out', '/dev/zero'],
    code: 2,
    says: /--out: \/dev\/zero is not a regular file/,
  },
  {
    name: 'merge /dev/zero',
    args: ['merge', '/dev/zero'],
    code: 2,
    says: /merge: \/dev\/zero is a device, expected a regular file/,
  },
  { name: 'report /dev/zero', args: ['report', '/dev/zero'], code: 2, says: /report: \/dev\/zero is a device/ },
  {
    name: 'a sweep file of /dev/zero',
    args: ['sweep', '/dev/zero', '--out', join(dir, 'z.jsonl')],
    code: 2,
    says: /\/dev\/zero is a device/,
  },
  {
    name: 'sweep --out /dev/stdout into a pipe',
    args: ['sweep', small, '--out', '/dev/stdout'],
    opts: { timeoutMs: 30_000 },
    code: 2,
    says: /not a regular file/,
  },
  // 9: upper bounds where memory or time follows input
  {
    name: 'vmcore-dump --mem 4PiB',
    args: ['vmcore-dump', '--mem', '4PiB'],
    code: 2,
    says: /--mem: got "4PiB", expected a size from 16MiB to 16TiB/,
  },
  {
    name: 'vmcore-dump --mem 16TiB --cyclic-buffer 1 (KiB) with 512-byte pages',
    args: ['vmcore-dump', '--arch', smallPages, '--mem', '16TiB', '--cyclic-buffer', '1'],
    code: 2,
    says: /cycles = 4,194,304, more than the 1,048,576 a run may make \(give --cyclic-buffer 4 or more, in KiB\)/,
  },
  {
    name: '--trace-limit 2^53',
    args: ['checkpoint', '--trace', join(dir, 't.json'), '--trace-limit', String(2 ** 53)],
    code: 2,
    says: /--trace-limit: got "9007199254740992", expected an integer from 1 to 4000000/,
  },
  {
    name: 'checkpoint --size 1PiB',
    args: ['checkpoint', '--size', '1PiB'],
    code: 2,
    says: /--size: got "1PiB", expected a size from 4KiB to 16TiB/,
  },
  {
    name: 'rmap-fork mapping too many PTEs',
    args: ['rmap-fork', '--pages', '4194304', '--children', '8'],
    code: 2,
    says: /--pages × \(1 \+ --children \+ --background\) = 37,748,736, more than the 33,554,432/,
  },
  {
    name: 'vmap-bench mapping too many pages',
    args: ['vmap-bench', '--pages', '1048576'],
    code: 2,
    says: /--threads × --pages = 8,388,608, more than the 1,048,576 pages a run may map at once/,
  },
  {
    name: 'test-vmalloc full_fit at 128 workers',
    args: ['test-vmalloc', '--cpus', '128', '--nr-threads', '128', '--run-test-mask', '2'],
    code: 2,
    says: /live vmap areas .*use at most 61 workers/,
  },
  // 10: validation that printed Infinity
  {
    name: 'pageBytes 3 × 2^32',
    args: ['arch', 'show', pow2],
    code: 2,
    says: /pageBytes: .*(power of two|less than or equal)/,
  },
  { name: 'clockHz 1e-300', args: ['checkpoint', '--arch', clock], code: 2, says: /clockHz: Too small/ },
  {
    name: '--disk-mbps 1e-300',
    args: ['checkpoint', '--disk-mbps', '1e-300'],
    code: 2,
    says: /--disk-mbps: got "1e-300", expected a number from 0.001/,
  },
  // 11: bad input that was an internal error
  { name: 'a cyclic plugin', args: ['arch', 'show', cyclic], code: 2, says: /self refers back to itself \(a cycle\)/ },
  {
    name: 'a plugin that throws null',
    args: ['arch', 'show', thrownNull],
    code: 2,
    says: /cannot load plugin .*: threw null/,
  },
  { name: 'a plugin with a throwing getter', args: ['arch', 'show', getter], code: 2, says: /not plain data .*boom/ },
  { name: 'a Proxy plugin', args: ['arch', 'show', proxy], code: 2, says: /not plain data|cannot load plugin/ },
  { name: 'sweep --out DIR', args: ['sweep', small, '--out', outDir], code: 2, says: /--out: .* is a directory/ },
  {
    name: 'sweep --out in a missing directory',
    args: ['sweep', small, '--out', join(dir, 'no/such/o.jsonl')],
    code: 2,
    says: /--out: cannot write .*: its directory does not exist/,
  },
  {
    name: 'a null results line (resume)',
    args: ['sweep', small, '--out', nullLine],
    code: 2,
    says: /null\.jsonl:2: not a sweep point \(got null\)|another grid/,
  },
  {
    name: 'a null results line (merge)',
    args: ['merge', nullLine],
    code: 2,
    says: /null\.jsonl:2: not a sweep point \(got null\)/,
  },
  {
    name: 'a null results line (report)',
    args: ['report', nullLine],
    code: 2,
    says: /null\.jsonl:2: not a sweep point \(got null\)/,
  },
  { name: 'merge of a JSON document', args: ['merge', jsonDoc], code: 2, says: /doc\.json:1: not a JSON line/ },
  { name: 'merge of binary data', args: ['merge', binary], code: 2, says: /binary\.jsonl:1: binary data/ },
  // 12: near-miss suggestions kept on the one line
  {
    name: 'checkpoin',
    args: ['checkpoin'],
    code: 2,
    says: /unknown command 'checkpoin' \(Did you mean checkpoint\?\)/,
  },
  {
    name: '--szie',
    args: ['checkpoint', '--szie', '4MiB'],
    code: 2,
    says: /unknown option '--szie' \(Did you mean --size\?\)/,
  },
  // lesser
  {
    name: 'an empty JOB_COMPLETION_INDEX',
    args: ['sweep', small, '--out', join(dir, 'job.jsonl')],
    opts: { env: { JOB_COMPLETION_INDEX: '', JOB_COMPLETIONS: '3' } },
    code: 2,
    says: /JOB_COMPLETION_INDEX\/JOB_COMPLETIONS: got ""\/"3"/,
  },
  {
    name: 'vmcore-image --profile with --fractions',
    args: ['vmcore-image', '--profile', 'idle-guest', '--fractions', 'kernel=1', '--out', join(dir, 'v')],
    code: 2,
    says: /--fractions conflicts with --profile/,
  },
  {
    name: '--out checked before the run',
    args: [...hugeDump, '--out', join(dir, 'no/x.json')],
    opts: { timeoutMs: 30_000 },
    code: 2,
    says: /--out: cannot write .*its directory does not exist/,
  },
  {
    name: '--trace checked before the run',
    args: [...hugeDump, '--trace', outDir],
    opts: { timeoutMs: 30_000 },
    code: 2,
    says: /--trace: .* is a directory/,
  },
  {
    name: '"8Mb" is bits',
    args: ['checkpoint', '--size', '8Mb'],
    code: 2,
    says: /--size: got "8Mb", expected a size in bytes — "b" means bits; did you mean 8MB or 8MiB\?/,
  },
  {
    name: 'an unknown --only item',
    args: ['reproduce', '--only', '000,999'],
    code: 2,
    says: /--only: got "999", expected seeds/,
  },
  {
    name: 'a --fractions class twice',
    args: ['vmcore-dump', '--mem', '64MiB', '--fractions', 'kernel=0.5,kernel=0.2'],
    code: 2,
    says: /each class once \(kernel is given twice\)/,
  },
];

export const OK_CASES: Case[] = [
  // 8: a 10-point shard of a 10^6-point grid starts at once, in bounded memory
  {
    name: 'a shard of a 10^6-point grid',
    args: ['sweep', million, '--out', join(dir, 'million.jsonl'), '--shard', '0/100000'],
    code: 0,
    says: /1000000 points, shard 0\/100000 has 10: 0 already done, 10 run/,
  },
  // 11: a BOM before a valid sweep output is read as such
  { name: 'merge of a file with a BOM', args: ['merge', '@BOM'], code: 0, says: /^$/ },
];
