// Hardening: bad input. Every case must exit 2 with exactly one line on stderr that starts
// with "kmemsim:", and never a stack trace.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Captured, cli } from './testing/in-process.js';
import { tempFiles } from './testing/temp-files.js';

const { dir, put: file } = tempFiles('kmemsim-bad-');
const syntaxError = file('syntax.mjs', 'export default {');
const noDefault = file('nodefault.mjs', 'export const x = 1;\n');
const badFields = file('badfields.mjs', "export default { name: 'x', wordBits: 48, sources: {} };\n");
const badJson = file('bad.json', '{ not json');
const notPlugin = file('arch.txt', 'export default {};\n');
const notArray = file('s1.yaml', 'command: checkpoint\ngrid: { map: kmap }\n');
const unknownKey = file('s2.yaml', 'command: checkpoint\ngrid: { map: [kmap] }\nwat: 1\n');
const badCommand = file('s3.yaml', 'command: reproduce\ngrid: { only: ["000"] }\n');
const badOption = file('s4.yaml', 'command: vmap-bench\ngrid: { thread: [1] }\n');
const badPoint = file('s5.yaml', 'command: checkpoint\ngrid: { size: [1XB] }\n');
const notYaml = file('s6.yaml', 'command: [x\n');
const notResult = file('r.jsonl', '{"a":1}\n');
const tornOnly = file('torn.txt', 'not a sweep');
const emptySweep = file('empty.yaml', '# nothing yet\n');

// [arguments, what the one line must say]
const CASES: [string[], RegExp][] = [
  // commands and global options
  [['frobnicate'], /unknown command 'frobnicate'/],
  [['--frob'], /unknown option '--frob'/],
  [['arch'], /arch: expected a subcommand: list or show/],
  [['arch', 'shw'], /arch: unknown subcommand 'shw'/],
  [['arch', 'show'], /missing required argument/],
  [['arch', 'show', 'vax'], /arch show: got "vax", expected a built-in arch/],
  [['arch', 'list', '--format', 'xml'], /--format: got "xml", expected one of table, json/],
  // arch plugins
  [['arch', 'show', './nope/missing.mjs'], /plugin file .* does not exist/],
  // Node 20's recursive mkdirSync spins forever under /proc: arch init creates its folder one level at a time
  [
    ['arch', 'init', 'riscv64', '--dir', '/proc/kmemsim/x'],
    /--dir: got "\/proc\/kmemsim\/x", expected a folder that can be created \(mkdir \/proc\/kmemsim: E[A-Z]+\)/,
  ],
  [
    ['arch', 'init', 'riscv64', '--dir', join(syntaxError, 'x')],
    /--dir: got ".*syntax.mjs\/x", expected a folder that can be created \(mkdir .*: ENOTDIR\)/,
  ],
  [['arch', 'show', syntaxError], /cannot load plugin/],
  [['arch', 'show', noDefault], /has no default export/],
  [['arch', 'show', badFields], /invalid arch plugin .*wordBits/],
  [['arch', 'show', badJson], /cannot load plugin/],
  [['checkpoint', '--arch', badFields], /--arch: invalid arch plugin/],
  [
    ['checkpoint', '--arch', notPlugin],
    /--arch: got ".*arch.txt", expected a plugin file ending in .mjs, .js, .cjs or .json/,
  ],
  [['checkpoint', '--arch', 'sparc'], /--arch: got "sparc"/],
  [['vmcore-dump', '--arch', ''], /--arch: got "", expected a built-in arch \(i386, .*\), an installed plugin package/],
  // a size's examples lie in its range
  [
    ['vmcore-dump', '--mem', 'x'],
    /--mem: got "x", expected a size from 16MiB to 16TiB, such as 800MiB, 1.5GiB or 16TiB$/,
  ],
  [
    ['vmcore-image', '--mem', 'x', '--out', join(dir, 'v')],
    /--mem: .* from 64MiB to 256GiB, such as 800MiB or 1.5GiB$/,
  ],
  // common machine options
  [['checkpoint', '--virt', 'vmware'], /--virt: got "vmware", expected one of/],
  [['checkpoint', '--arch', 's390', '--virt', 'xen-pv'], /--virt: got "xen-pv", expected a virt mode arch s390 offers/],
  [['checkpoint', '--cpus', '0'], /--cpus: got "0", expected an integer from 1/],
  [['checkpoint', '--cpus', '-4'], /--cpus: got "-4"/],
  [['checkpoint', '--cpus', 'many'], /--cpus: got "many"/],
  [['checkpoint', '--cpus', '1000'], /--cpus: got "1000", expected an integer from 1 to 8/],
  [['checkpoint', '--cpus', '100000'], /--cpus: got "100000", expected an integer from 1 to 8192/],
  [['checkpoint', '--cpus', '2.5'], /--cpus: got "2.5"/],
  [['checkpoint', '--seed', '-1'], /--seed: got "-1"/],
  [['checkpoint', '--seed', 'abc'], /--seed: got "abc"/],
  [['checkpoint', '--format', 'pdf'], /--format: got "pdf"/],
  [['checkpoint', '--cpus'], /option '--cpus <n>' argument missing/],
  [['checkpoint', '--trace-limit', '0', '--trace', join(dir, 't.json')], /--trace-limit: got "0"/],
  [['checkpoint', '--size', '1MiB', '--out', join(dir, 'no/such/dir/x.txt')], /--out: cannot write/],
  // refused before the run, not after it: /proc takes no new file even where access(W_OK) says yes (root)
  [
    ['checkpoint', '--size', '1MiB', '--trace', '/proc/kmemsim.json'],
    /--trace: cannot write \/proc\/kmemsim.json: (\/proc takes no new file \(ENOENT\)|EACCES)$/,
  ],
  [
    ['vmcore-image', '--mem', '64MiB', '--out', '/proc/kmemsim'],
    /--out: cannot write \/proc\/kmemsim: (\/proc takes no new file|EACCES)/,
  ],
  // checkpoint
  [['checkpoint', '--size', 'huge'], /--size: got "huge", expected a size/],
  [['checkpoint', '--size', '0'], /--size: got "0", expected a size from 4KiB to 16TiB/],
  [['checkpoint', '--size', '-5MiB'], /--size: got "-5MiB"/],
  [['checkpoint', '--size', '12XB'], /--size: got "12XB"/],
  [['checkpoint', '--map', 'kmap,vmap'], /--map: got "vmap", expected one of kmap, kmap_atomic, kmap_local/],
  [['checkpoint', '--map', ''], /--map: got "", expected a comma-separated list/],
  [['checkpoint', '--map', 'kmap,,kmap_atomic'], /--map: .*without empty items/],
  [['checkpoint', '--pae', 'maybe'], /--pae: got "maybe", expected one of on, off/],
  [['checkpoint', '--arch', 'x86_64', '--pae', 'on'], /--pae: got "on", expected off \(arch x86_64 has no PAE mode\)/],
  [['checkpoint', '--disk-mbps', '0'], /--disk-mbps: got "0"/],
  [['checkpoint', '--disk-mbps', 'fast'], /--disk-mbps: got "fast"/],
  [['checkpoint', '--pkmap-flush', 'never'], /--pkmap-flush: got "never"/],
  [['checkpoint', '--atomic-invlpg', 'both'], /--atomic-invlpg: got "both"/],
  [['checkpoint', '--kvm', '2.6.30'], /--kvm: got "2.6.30", expected only with --virt kvm-shadow \(got --virt none\)/],
  [
    ['checkpoint', '--virt', 'kvm-ept', '--kvm', '2.6.30'],
    /--kvm: .*only with --virt kvm-shadow \(got --virt kvm-ept\)/,
  ],
  // vmcore-dump: flags one path reads, refused elsewhere
  [
    ['vmcore-dump', '--tlb-flushall-shift', '3'],
    /--tlb-flushall-shift: got "3", expected -1 here: .*\(arch s390, kernel 6.1\)/,
  ],
  [
    ['vmcore-dump', '--arch', 'x86_64', '--tlb-flushall-shift', '3'],
    /--tlb-flushall-shift: .*\(arch x86_64, kernel 6.1\)/,
  ],
  [
    ['vmcore-dump', '--iounmap', 'nonlazy'],
    /--iounmap: got "nonlazy", expected no value here: copy_oldmem_page on s390 is bounce/,
  ],
  // vmcore-dump --experiment seed001: its fitted values belong to its arch and makedumpfile version
  [
    ['vmcore-dump', '--experiment', 'seed001', '--arch', 'x86_64'],
    /--arch: got "x86_64", expected s390 with --experiment seed001: its fitted values belong to --arch s390/,
  ],
  [
    ['vmcore-dump', '--experiment', 'seed001', '--makedumpfile', '1.7'],
    /--makedumpfile: got "1.7", expected 1.5.7 with --experiment seed001/,
  ],
  // vmcore-dump: values no makedumpfile run has (more per arch and version in vmcore-dump-flags.test.ts)
  [['vmcore-dump', '--cyclic-buffer', '1000B'], /--cyclic-buffer: got "1000B", expected a whole number of KiB/],
  [['vmcore-dump', '--struct-page', '60'], /--struct-page: got "60", expected a multiple of 8 bytes on s390/],
  // vmap-bench
  [['vmap-bench', '--impl', 'slab'], /--impl: got "slab"/],
  [['vmap-bench', '--threads', '0'], /--threads: got "0"/],
  [['vmap-bench', '--threads', '1,x'], /--threads: got "x"/],
  [['vmap-bench', '--cpus', '4', '--threads', '8'], /--threads/],
  [['vmap-bench', '--pages', '0'], /--pages: got "0"/],
  [['vmap-bench', '--pages', 'lots'], /--pages: got "lots"/],
  [['vmap-bench', '--iterations', '-3'], /--iterations: got "-3"/],
  [['vmap-bench', '--iterations', '1e3'], /--iterations: got "1e3"/],
  // rmap-fork
  [['rmap-fork', '--rmap', 'anon_vma'], /--rmap: got "anon_vma"/],
  [['rmap-fork', '--pages', '0'], /--pages: got "0"/],
  [['rmap-fork', '--children', '-1'], /--children: got "-1"/],
  [['rmap-fork', '--lock', 'mutex'], /--lock: got "mutex"/],
  [['rmap-fork', '--direct', 'yes'], /--direct: got "yes"/],
  [['rmap-fork', '--batch', '2'], /--batch: got "2"/],
  [['rmap-fork', '--workload', 'boot'], /--workload: got "boot"/],
  [['rmap-fork', '--anon-pct', '150'], /--anon-pct: got "150"/],
  [['rmap-fork', '--arch', 's390'], /--arch: got "s390", expected an arch with cache geometry/],
  [['rmap-fork', '--alloc', 'mempool'], /--alloc: got "mempool"/],
  [['rmap-fork', '--kernel', '2.6'], /--kernel: got "2.6", expected one of 2.4, 2.5/],
  [['rmap-fork', '--experiment', 'seed004'], /--experiment: got "seed004", expected one of seed003/],
  // vmcore-image
  [['vmcore-image', '--mem', '1GiB'], /--out/],
  [['vmcore-image', '--mem', 'big', '--out', join(dir, 'v')], /--mem: got "big"/],
  [['vmcore-image', '--mem', '1KiB', '--out', join(dir, 'v')], /--mem: got "1KiB"/],
  [['vmcore-image', '--mem', '1GiB', '--profile', 'gaming', '--out', join(dir, 'v')], /--profile: got "gaming"/],
  // reproduce, sweep, merge, report
  [['reproduce', '--only', '999'], /--only: got "999"/],
  [['reproduce', '--format', 'pdf'], /--format: got "pdf"/],
  [['sweep'], /missing required argument 'file'|--out: required/],
  [['sweep', notArray], /--out: required/],
  [['sweep', join(dir, 'absent.yaml'), '--out', join(dir, 'o.jsonl')], /cannot read .*absent.yaml \(no such file\)/],
  [['sweep', notArray, '--out', join(dir, 'o.jsonl')], /grid\.map: .*expected array/],
  [['sweep', unknownKey, '--out', join(dir, 'o.jsonl')], /Unrecognized key/],
  [['sweep', badCommand, '--out', join(dir, 'o.jsonl')], /command: "reproduce" is not a simulation command/],
  [['sweep', badOption, '--out', join(dir, 'o.jsonl')], /grid\.thread: not an option of vmap-bench/],
  [['sweep', notYaml, '--out', join(dir, 'o.jsonl')], /not valid YAML/],
  [['sweep', badPoint, '--out', join(dir, 'o.jsonl')], /grid\.size\[0\]: got "1XB"/],
  [['sweep', notArray, '--out', join(dir, 'o.jsonl'), '--workers', '0'], /--workers: got "0"/],
  [['sweep', notArray, '--out', join(dir, 'o.jsonl'), '--shard', '3/2'], /--shard: got "3\/2"/],
  [['merge', join(dir, 'absent.jsonl')], /merge: cannot read .*absent.jsonl \(no such file\)/],
  [['report', notResult], /not a kmemsim result/],
  // a text file with no newline: one error, not a torn-line warning and then an error
  [['merge', tornOnly], /merge: .*torn.txt is not a sweep output: its only line \(11 bytes, no newline\) is not JSON/],
  [['report', tornOnly], /report: .*torn.txt holds no results: its only line \(11 bytes, no newline\) is not JSON/],
  [
    ['sweep', emptySweep, '--out', join(dir, 'o.jsonl')],
    /empty.yaml: is empty, expected a mapping with command: and grid:/,
  ],
  [['report', join(dir, 'absent.jsonl')], /cannot read/],
];

describe('bad input: exit 2, one clear line, no stack trace', () => {
  // Every case runs in-process through main() (the binary's own entry); the fuzz suite and the regression tests
  // run samples against the built binary.
  const results: Captured[] = [];
  beforeAll(async () => {
    for (const [args] of CASES) results.push(await cli(args));
  }, 300_000);
  it(`has at least 60 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });
  CASES.forEach(([args, expected], i) => {
    it(args.join(' ').replaceAll(dir, '$TMP'), () => {
      const r = results[i];
      const lines = r.err.trim().split('\n');
      expect(r.code, r.err).toBe(2);
      expect(lines, r.err).toHaveLength(1);
      expect(lines[0]).toMatch(/^kmemsim: /);
      expect(lines[0]).toMatch(expected);
      expect(r.err).not.toMatch(/\s+at .+:\d+:\d+/);
    });
  });
});
