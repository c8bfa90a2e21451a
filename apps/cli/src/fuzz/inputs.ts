// Generated input files: arch plugins (a valid profile with fields deleted, retyped or pushed out of range, and
// hostile modules: cycles, getters, Proxies, throws, non-data exports, never-settling awaits) and sweep files
// (typed and mistyped values under every key spelling, duplicates, unknown keys, broken YAML).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { COMMANDS } from '../commands/registry.js';
import type { CommandDef } from '../framework/define.js';
import { kebab, snake } from '../framework/keys.js';
import { valid } from './argv.js';

let seq = 0;
const fresh = (dir: string, ext: string) => join(dir, `gen-${process.pid}-${seq++}${ext}`);

type Json = unknown;

/** A value in JavaScript source: Infinity, NaN, -0 and undefined survive (JSON would turn them into null). */
function js(v: Json): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : String(v);
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(js).join(', ')}]`;
  if (v !== null && typeof v === 'object')
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${js(x)}`)
      .join(', ')} }`;
  return JSON.stringify(v);
}

const wild: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(0, -1, 1, 3 * 2 ** 32, 2 ** 53, 1e308, 1e-300, -0, Number.NaN, Number.POSITIVE_INFINITY, 0.5, 4097),
  fc.constantFrom('', 'x', '4096', null, true, false, undefined, [], {}, [1, 2], { a: 1 }),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 8 }),
);

function paths(o: Json, prefix = ''): string[] {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return [prefix];
  return Object.entries(o).flatMap(([k, v]) => [
    prefix ? `${prefix}.${k}` : k,
    ...paths(v, prefix ? `${prefix}.${k}` : k),
  ]);
}

function setPath(o: Record<string, Json>, path: string, value: Json | typeof DELETE): void {
  const keys = path.split('.');
  let node: Record<string, Json> = o;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (next === null || typeof next !== 'object') return;
    node = next as Record<string, Json>;
  }
  const last = keys[keys.length - 1];
  if (value === DELETE) delete node[last];
  else node[last] = value;
}
const DELETE = Symbol('delete');

const HOSTILE_MODULES = [
  'export default (() => { const a = { name: "x" }; a.self = a; return a; })();',
  'export default { get name() { throw new Error("getter"); } };',
  'export default new Proxy({}, { get() { throw 1; } });',
  'throw null;',
  'throw undefined;',
  'throw { message: 42 };',
  'throw new Proxy({}, { get() { throw 2; } });',
  'export default () => 1;',
  'export default 42;',
  'export default "x86_64";',
  'export default [];',
  'export default null;',
  'export const x = 1;',
  'await new Promise(() => {}); export default {};',
  'while (true) {}',
  'export default Object.create(null);',
  'export default {',
  'process.exit(0);',
  'export default { name: "a".repeat(1e6) };',
];

/** A plugin file (path) built from a valid profile; `.json` or `.mjs`. */
export function pluginFile(dir: string, base: Record<string, Json>): fc.Arbitrary<string> {
  const allPaths = paths(base).filter(Boolean);
  const edit = fc.tuple(
    fc.constantFrom(...allPaths),
    fc.oneof({ weight: 4, arbitrary: wild }, { weight: 1, arbitrary: fc.constant<Json>(DELETE) }),
  );
  const mutated = fc
    .tuple(
      fc.array(edit, { minLength: 0, maxLength: 2 }),
      fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    )
    .map(([edits, asJson, extraKey]) => {
      const o = structuredClone(base);
      for (const [p, v] of edits) setPath(o, p, v as Json | typeof DELETE);
      if (extraKey) o.wat = 1;
      const file = fresh(dir, asJson ? '.json' : '.mjs');
      writeFileSync(file, asJson ? JSON.stringify(o) : `export default ${js(o)};\n`);
      return file;
    });
  const hostile = fc.constantFrom(...HOSTILE_MODULES).map((src) => {
    const file = fresh(dir, '.mjs');
    writeFileSync(file, `${src}\n`);
    return file;
  });
  const garbage = fc.uint8Array({ maxLength: 64 }).map((bytes) => {
    const file = fresh(dir, '.json');
    writeFileSync(file, bytes);
    return file;
  });
  return fc.oneof(
    { weight: 12, arbitrary: mutated },
    { weight: 1, arbitrary: hostile },
    { weight: 2, arbitrary: garbage },
  );
}

const spell = fc.constantFrom<(k: string) => string>((k) => k, kebab, snake);

/** Typed like a sweep file writes it: numbers as numbers, on/off as booleans (sometimes), else text. */
function typed(kind: string, text: string): fc.Arbitrary<Json> {
  if ((kind === 'int' || kind === 'number') && !text.includes(',')) return fc.constantFrom<Json>(Number(text), text);
  if (kind === 'bool') return fc.constantFrom<Json>(text === 'on', text);
  return fc.constant(text);
}

/** A valid sweep: options of the command with valid values (axes with repeats), in any key spelling. */
function validSweep(dir: string, sweepable: readonly CommandDef[]): fc.Arbitrary<Record<string, Json>> {
  const HEAVY = new Set([
    'seed',
    'arch',
    'cpus',
    'iterations',
    'pages',
    'threads',
    'testLoopCount',
    'runTestMask',
    'nrThreads',
    'size',
    'mem',
  ]);
  return fc.constantFrom(...sweepable).chain((def) => {
    const names = Object.keys(def.options).filter((n) => !HEAVY.has(n) && !def.options[n].positional);
    const val = (n: string) =>
      valid(def.name, n, def.options[n], { dir, files: [] }).chain((t) => typed(def.options[n].kind, t));
    return fc
      .tuple(fc.subarray(names, { maxLength: 2 }), fc.subarray(names, { minLength: 1, maxLength: 2 }), spell)
      .chain(([b, g, sp]) => {
        const axes = g.filter((n) => !b.includes(n));
        return fc.record({
          command: fc.constant<Json>(def.name),
          base: fc.tuple(...b.map((n) => val(n).map((v) => [sp(n), v] as const))).map((kv) => Object.fromEntries(kv)),
          grid: fc
            .tuple(
              ...axes.map((n) => fc.array(val(n), { minLength: 1, maxLength: 3 }).map((vs) => [sp(n), vs] as const)),
            )
            .map((kv) => Object.fromEntries(kv)),
          seeds: fc.constantFrom<Json>(undefined, [1], [1, 2], [3, 3]),
        });
      });
  });
}

/** A sweep file (path): a small grid of a command, its values typed or as text, sometimes wrong. */
export function sweepFile(dir: string): fc.Arbitrary<string> {
  const sweepable = COMMANDS.filter((c) => c.kind === 'result' && c.sweepable);
  const value: fc.Arbitrary<Json> = fc.oneof(
    fc.constantFrom(
      1,
      2,
      4,
      0,
      -1,
      1.5,
      2 ** 34,
      true,
      false,
      'on',
      'off',
      '4MiB',
      '8Mb',
      'kmap',
      'legacy',
      'lazy',
      'x',
    ),
    fc.constantFrom('kmap_atomic', 'pte_chain', 'none', 'read', 'mmap', '1.5.7', '64MiB', 'i386', 'x86_64', ''),
    fc.constantFrom(null, [], {}, [1], ['a', 'b'], { kernel: 0.5, free: 0.5 }),
  );
  const wildSpec = fc
    .tuple(
      fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...sweepable) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      fc.constantFrom('nope', 'reproduce', 'merge', ''),
      spell,
    )
    .chain(([def, junkCommand, sp]) => {
      const names = def ? Object.keys(def.options).filter((n) => !def.options[n].positional) : ['size', 'threads'];
      const key = fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...names).map(sp) },
        { weight: 1, arbitrary: fc.constantFrom('seed', 'format', 'thread', 'wat') },
      );
      return fc.record(
        {
          command: fc.constant(def?.name ?? junkCommand),
          base: fc.dictionary(key, value, { maxKeys: 3 }),
          grid: fc.dictionary(key, fc.array(value, { minLength: 0, maxLength: 3 }), { minKeys: 0, maxKeys: 2 }),
          seeds: fc.oneof(fc.constant(undefined), fc.constantFrom([1], [1, 1, 2], [], [-1], ['x'], [2 ** 33])),
          extra: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(1) }),
        },
        { requiredKeys: ['command', 'grid'] },
      );
    });
  const spec = fc
    .oneof({ weight: 3, arbitrary: wildSpec }, { weight: 1, arbitrary: validSweep(dir, sweepable) })
    .map((s: Record<string, Json>) => {
      // Cheap points: a small run of whichever command.
      const base = { ...(s.base as Record<string, Json>) };
      const axis = (k: string) =>
        Object.keys((s.grid ?? {}) as object).some((g) => g.replace(/[-_]/g, '').toLowerCase() === k);
      const cheap = (k: string, v: Json) => {
        if (!axis(k.toLowerCase())) base[k] ??= v;
      };
      if (s.command === 'vmap-bench') {
        base.iterations ??= 50;
        cheap('impl', '2.6.28'); // not every design per point
      }
      if (s.command === 'xfs-dir') {
        cheap('ops', 50);
        cheap('cpus', 2); // not the 64-CPU Altix
        cheap('impl', '2.6.28');
      }
      if (s.command === 'test-vmalloc') Object.assign(base, { test_loop_count: 10, run_test_mask: 1, cpus: 1 });
      if (s.command === 'rmap-fork') base.pages ??= 512;
      if (s.command === 'vmcore-dump') base.mem ??= '64MiB';
      if (s.command === 'checkpoint') base.size ??= '4MiB';
      const o: Record<string, Json> = { command: s.command, base, grid: s.grid };
      if (s.seeds !== undefined) o.seeds = s.seeds;
      if (s.extra !== undefined) o.extra = s.extra;
      return o;
    });
  return fc
    .tuple(
      spec,
      fc.constantFrom('.yaml', '.json'),
      fc.oneof({ weight: 8, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat(200) }),
    )
    .map(([o, ext, cut]) => {
      let text = ext === '.json' ? JSON.stringify(o) : stringify(o);
      if (cut >= 0) text = text.slice(0, cut);
      const file = fresh(dir, ext);
      writeFileSync(file, text);
      return file;
    });
}
