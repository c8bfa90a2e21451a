// Generated command lines for every command, from the commands' own definitions: valid values (kept cheap, so a
// valid run takes milliseconds) and hostile ones (out of range, bits for bytes, junk, near misses, empty list
// items, unknown and repeated flags, missing values).

import { DESIGN_NAMES } from '@kmemsim/vmalloc';
import fc from 'fast-check';
import { COMMANDS } from '../commands/registry.js';
import { BUILTIN_ARCHES } from '../framework/arches.js';
import { cliSchema } from '../framework/cli-schema.js';
import type { CommandDef } from '../framework/define.js';
import { kebab } from '../framework/keys.js';
import type { AnyOption } from '../framework/options.js';

export interface FuzzEnv {
  /** A scratch directory for --out, --trace and inputs. */
  dir: string;
  /** Plugin files and sweep outputs that exist (valid or not), for options taking a path. */
  files: string[];
}

/** The most a valid generated value may be, per option name (or command.option): keeps valid runs cheap. */
const CHEAP: Record<string, number> = {
  cpus: 4,
  size: 32 * 2 ** 20,
  mem: 128 * 2 ** 20,
  'vmcore-image.mem': 64 * 2 ** 20,
  iterations: 300,
  pages: 2048,
  'vmap-bench.pages': 16,
  threads: 4,
  testLoopCount: 40,
  testRepeatCount: 2,
  nrThreads: 2,
  nrPages: 8,
  children: 3,
  rounds: 3,
  background: 3,
  reclaimPages: 256,
  traceLimit: 2000,
  workers: 1,
  meanRun: 4096,
  meanRunPages: 4096,
  structPage: 256,
  nrCpus: 64,
  touchBytes: 4096,
};

/** Options a valid case always sets (their defaults are heavy), with the values it may take. */
const ALWAYS: Record<string, Record<string, fc.Arbitrary<string>>> = {
  'vmap-bench': {
    iterations: fc.integer({ min: 1, max: 100 }).map(String),
    threads: fc.constantFrom('1', '2', '1,2'),
    impl: fc.constantFrom(...DESIGN_NAMES),
  },
  'test-vmalloc': {
    // Not 2 (full_fit) or 4 (long_busy_list): they hold tens of thousands of areas whatever the loop count.
    testLoopCount: fc.integer({ min: 1, max: 20 }).map(String),
    runTestMask: fc.constantFrom('1', '8', '9', '16', '32', '64', '128', '512', '1024'),
    cpus: fc.integer({ min: 1, max: 2 }).map(String),
    impl: fc.constantFrom(...DESIGN_NAMES),
  },
  'xfs-dir': {
    // Its defaults are the 64-CPU Altix, every design, 20,000 ops per thread: seconds, not milliseconds.
    ops: fc.integer({ min: 1, max: 100 }).map(String),
    threads: fc.constantFrom('1', '2', '1,2'),
    cpus: fc.integer({ min: 2, max: 4 }).map(String),
    impl: fc.constantFrom(...DESIGN_NAMES),
  },
  'rmap-fork': {
    pages: fc.integer({ min: 1, max: 1024 }).map(String),
    rmap: fc.constantFrom('none', 'pte_chain', 'multi,objrmap'),
  },
  reproduce: { only: fc.constantFrom('001/mmap/d0/mmap', '003/hashed/overhead', '999', '', 'x') },
  'vmcore-image': {
    mem: fc.constantFrom('64MiB', '1MiB', '1TiB', 'x'),
    profile: fc.constantFrom('idle-guest', 'file-server'),
  },
};

const cheapMax = (command: string, name: string, o: AnyOption) => {
  const cap = CHEAP[`${command}.${name}`] ?? CHEAP[name];
  const max = (o as unknown as { max?: number }).max ?? Number.MAX_SAFE_INTEGER;
  return cap === undefined ? max : Math.min(cap, max);
};

const junk = fc.oneof(
  fc.constantFrom('', ' ', 'x', '-1', '0', '1e3', '1.5', 'NaN', 'Infinity', '-Infinity', '0x10', '1_000', '٣', '１'),
  fc.constantFrom('8Mb', '1XB', '-5MiB', '1PiB', '4PiB', '16EiB', '1e400', '1e-300', '9007199254740993', 'on,off'),
  fc.constantFrom('a,,b', ',', 'ǅ', '\u0000', '../../etc/passwd', '--format', '%s%n', '"', "'", '\\', '{}', '[]'),
  fc.string({ maxLength: 12 }),
);

const SIZE_UNITS = ['', 'B', 'KiB', 'MiB', 'K', 'M', 'KB', 'MB'];
const UNIT_BYTES: Record<string, number> = {
  '': 1,
  B: 1,
  KiB: 1024,
  MiB: 2 ** 20,
  K: 1024,
  M: 2 ** 20,
  KB: 1e3,
  MB: 1e6,
};

/** A valid value of one option, as command-line text. */
export function valid(command: string, name: string, o: AnyOption, env: FuzzEnv): fc.Arbitrary<string> {
  const min = (o as unknown as { min?: number }).min ?? 0;
  const max = cheapMax(command, name, o);
  const one = (): fc.Arbitrary<string> => {
    switch (o.kind) {
      case 'int':
        return fc.integer({ min, max: Math.max(min, max) }).map(String);
      case 'number':
        return fc
          .double({ min: Math.max(min, 0.001), max: Math.max(min, max), noNaN: true, noDefaultInfinity: true })
          .map(String);
      case 'size':
        return fc.tuple(fc.constantFrom(...SIZE_UNITS), fc.double({ min: 0, max: 1, noNaN: true })).map(([u, f]) => {
          const bytes = min + f * (Math.max(min, max) - min);
          const n = Math.max(Math.ceil(min / UNIT_BYTES[u]), Math.floor(bytes / UNIT_BYTES[u]));
          return `${n}${u}`;
        });
      case 'choice':
        return fc.constantFrom(...(o.choices ?? ['x']));
      case 'bool':
        return fc.constantFrom('on', 'off');
      case 'custom':
        // --tick (every machine command) takes its own form; era only where a vmap design runs, so not here.
        if (name === 'tick') return fc.constantFrom('off', '250', '1000:5000:stagger', '100:2000:aligned');
        return fc.constantFrom(
          'kernel=0.1,free=0.9',
          'cache=0.5,user=0.5',
          'kernel=1',
          'zero=0.2,private=0.3,free=0.5',
        );
      default:
        if (name === 'arch')
          return fc.constantFrom(...BUILTIN_ARCHES, ...env.files.filter((f) => /\.(mjs|json)$/.test(f)));
        if (name === 'out' || name === 'trace')
          return fc.constantFrom('a.out', 'b.json', 'sub/c.out').map((f) => `${env.dir}/${f}`);
        if (name === 'only') return fc.constantFrom('000', '001', '002', '003', '002/legacy');
        if (name === 'shard') return fc.constantFrom('0/1', '0/2', '1/2');
        if (name === 'name') return fc.constantFrom(...BUILTIN_ARCHES, 'my-arch', ...env.files);
        if (name === 'dir') return fc.constantFrom('plugin', 'sub-dir', 'a/b');
        if (name === 'file' || name === 'files') return fc.constantFrom(...env.files);
        return fc.string({ minLength: 1, maxLength: 20 });
    }
  };
  if (!o.list) return one();
  return fc.array(one(), { minLength: 1, maxLength: 3 }).map((xs) => xs.join(','));
}

/** A hostile value: out of range, near misses, junk. */
function hostile(o: AnyOption): fc.Arbitrary<string> {
  const min = (o as unknown as { min?: number }).min ?? 0;
  const max = (o as unknown as { max?: number }).max ?? 0;
  const near: string[] = [String(min - 1), String(max + 1), String(max * 2 ** 32), String(-max)];
  if (o.choices)
    near.push(...o.choices.map((c) => `${c}x`), ...o.choices.map((c) => c.toUpperCase()), o.choices.join(',,'));
  return fc.oneof(junk, fc.constantFrom(...near));
}

export interface ArgvCase {
  command: string;
  args: string[];
}

/** One command line: mostly valid options with sometimes a hostile value or a structural mutation. */
export function argvCase(env: FuzzEnv, commands: readonly CommandDef[] = COMMANDS): fc.Arbitrary<ArgvCase> {
  return fc.constantFrom(...commands).chain((def) => {
    const schema = cliSchema(def);
    const names = Object.keys(schema);
    const required = names.filter((n) => schema[n].required || schema[n].positional);
    const keepRequired = fc.oneof(
      { weight: 14, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    );
    const flagArb = fc
      .tuple(fc.subarray(names, { maxLength: Math.min(5, names.length) }), keepRequired)
      .chain(([chosen, keep]) => {
        const always = ALWAYS[def.name] ?? {};
        const all = [...new Set([...Object.keys(always), ...(keep ? required : []), ...chosen])];
        const parts = all.map((name) => {
          const o = schema[name];
          const v = fc.oneof(
            { weight: 3, arbitrary: always[name] ?? valid(def.name, name, o, env) },
            { weight: 1, arbitrary: hostile(o) },
          );
          return v.map((value) => ({ name, o, value }));
        });
        return fc.tuple(...parts);
      });
    const mutation = fc.oneof(
      { weight: 12, arbitrary: fc.constant<string[]>([]) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(['--frob'], ['--fromat', 'json'], ['extra'], ['--help'], ['-V'], ['--']),
      },
      { weight: 1, arbitrary: junk.map((j) => [`--${j}`]) },
    );
    const dangling = fc.oneof(
      { weight: 15, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    );
    const format = fc.oneof(
      { weight: 3, arbitrary: fc.constant('json') },
      { weight: 1, arbitrary: fc.constantFrom('table', 'csv', 'md', 'html', 'svg', 'pdf') },
    );
    return fc.tuple(flagArb, mutation, dangling, format).map(([parts, extra, cut, fmt]) => {
      const words = def.name.split(' ');
      const args: string[] = [...words];
      for (const { name, o, value } of parts) {
        if (o.positional) args.splice(words.length, 0, ...(o.list ? value.split(',') : [value]));
        else if (name !== 'format') args.push(`--${kebab(name)}`, value);
      }
      if ('format' in schema && !parts.some((p) => p.name === 'format')) args.push('--format', fmt);
      else if (parts.some((p) => p.name === 'format')) {
        const f = parts.find((p) => p.name === 'format');
        args.push('--format', f?.value ?? 'json');
      }
      args.push(...extra);
      if (cut && args.length > words.length && args[args.length - 1].startsWith('--') === false) args.pop();
      return { command: def.name, args };
    });
  });
}
