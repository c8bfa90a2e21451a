// An option is defined once, as data: its type, range or choices, default, whether it takes a list, and its
// description. commander's flags and --help, sweep and calibration validation, and the typed value a command's
// run() receives all come from that one definition (docs: apps/cli/README.md, "Writing a command").
import { formatSize } from '@kmemsim/core';
import { badValue } from './errors.js';
import {
  boolValue,
  choiceValue,
  type Given,
  intValue,
  kibExpected,
  kibValue,
  listValue,
  numberValue,
  sizeValue,
  stringValue,
} from './values.js';

export type OptionKind = 'int' | 'number' | 'size' | 'choice' | 'bool' | 'string' | 'custom';

/**
 * One command option as a typed schema entry: kind, description, default, list/required, how an item is parsed and
 * shown. Built with the helpers `int`, `num`, `size`, `choice`, `bool`, `text` and `custom`.
 */
export interface Option<T, L extends boolean = boolean, R extends boolean = boolean> {
  /** What the value is: int, number, size (bytes with a unit), choice, bool (on/off), string or custom. */
  readonly kind: OptionKind;
  /** One line for --help and docs/cli-options.md: what the option sets and its unit. */
  readonly description: string;
  /** Takes a comma-separated list; each combination of list values is one run. */
  readonly list: L;
  /** Typed default (an array for list options); undefined: run() decides, and `defaultText` says how. */
  readonly default: unknown;
  /** How --help describes the default when run() computes it ("max(8, --cpus)"). */
  readonly defaultText?: string;
  /** The command fails with exit 2 when the option is absent. */
  readonly required: boolean;
  /** May appear in a sweep file's base or grid (false: seed, which sweep sets from `seeds:`). */
  readonly sweep: boolean;
  /** A positional argument rather than a --flag (tool commands: `sweep FILE`, `report FILES…`). */
  readonly positional: boolean;
  /** The value's name in --help (`--cpus N`, `--size SIZE`). */
  readonly placeholder: string;
  /** What a valid value looks like ("an integer from 1 to 64", "one of kmap, kmap_atomic"). */
  readonly expected: string;
  /** The accepted values of a choice option, in --help order. */
  readonly choices?: readonly string[];
  /** Most items a list option takes (each item is a run; bounded like every size). */
  readonly maxItems: number;
  /** Parses one item (a command-line string or a typed value); throws UsageError naming `where`. */
  readonly item: (v: Given, where: string) => T;
  /** Formats a value as it would be written on the command line (provenance, sweep keys). */
  readonly show: (v: T) => string;
  /** Phantom: whether run() always gets a value (default or required). */
  readonly _resolved?: R;
  readonly _type?: T;
}

// biome-ignore lint/suspicious/noExplicitAny: any option, whatever its value type
export type AnyOption = Option<any, boolean, boolean>;
/** A command's options by name (the name becomes `--kebab-case`). */
export type OptionSchema = Record<string, AnyOption>;

export type ValueOf<O> =
  O extends Option<infer T, infer L, infer R>
    ? (L extends true ? T[] : T) | (R extends true ? never : undefined)
    : never;
/** The typed values run() gets for a schema: lists as arrays, optional options possibly undefined. */
export type Values<S extends OptionSchema> = { -readonly [K in keyof S]: ValueOf<S[K]> };

interface Config<T> {
  description: string;
  list?: boolean;
  default?: T | readonly T[];
  defaultText?: string;
  required?: boolean;
  sweep?: boolean;
  positional?: boolean;
  placeholder?: string;
  maxItems?: number;
}
type IsList<C> = C extends { list: true } ? true : false;
type IsResolved<C> = C extends { default: unknown } ? true : C extends { required: true } ? true : false;

function make<T, C extends Config<T>>(
  c: C,
  kind: OptionKind,
  expected: string,
  item: (v: Given, where: string) => T,
  show: (v: T) => string = String,
  placeholder = '<value>',
  choices?: readonly string[],
): Option<T, IsList<C>, IsResolved<C>> {
  return {
    kind,
    description: c.description,
    list: (c.list ?? false) as IsList<C>,
    default: c.default,
    defaultText: c.defaultText,
    required: c.required ?? false,
    sweep: c.sweep ?? !c.positional,
    positional: c.positional ?? false,
    placeholder: c.placeholder ?? (c.list ? '<list>' : placeholder),
    expected,
    choices,
    maxItems: c.maxItems ?? 64,
    item,
    show,
  };
}

const range = (kind: string, min: number, max: number) => `${kind} from ${min} to ${max}`;

/** An integer in [min, max]. Every count has a maximum: memory and time follow it. */
export function int<const C extends Config<number> & { min: number; max: number }>(c: C) {
  return make<number, C>(
    c,
    'int',
    range('an integer', c.min, c.max),
    (v, w) => intValue(v, w, c.min, c.max),
    String,
    '<n>',
  );
}

/** A finite number in [min, max], or (min, max] with exclusiveMin: never Infinity, never NaN. */
export function num<const C extends Config<number> & { min: number; max: number; exclusiveMin?: boolean }>(c: C) {
  const expected = c.exclusiveMin ? `a number > ${c.min} and ≤ ${c.max}` : range('a number', c.min, c.max);
  return make<number, C>(
    c,
    'number',
    expected,
    (v, w) => numberValue(v, w, c.min, c.max, c.exclusiveMin),
    String,
    '<n>',
  );
}

const iec = (b: number) => formatSize(b).replace(' ', '');

/** A size in bytes: IEC or SI units on the command line, bytes or a size text in sweep files. */
export function size<const C extends Config<number> & { min: number; max: number }>(c: C) {
  return make<number, C>(
    c,
    'size',
    `a size from ${iec(c.min)} to ${iec(c.max)}`,
    (v, w) => sizeValue(v, w, c.min, c.max),
    iec,
    '<size>',
  );
}

/**
 * A buffer size as makedumpfile takes it (`--cyclic-buffer`): on the command line a bare number is KiB, a size with a
 * unit is bytes; a typed number (sweep file) is bytes, as for every size; whole KiB only. run() gets bytes; the
 * value shows as `NKiB`, which reads back the same.
 */
export function kib<const C extends Config<number> & { minKiB: number; maxKiB: number }>(c: C) {
  return make<number, C>(
    c,
    'size',
    kibExpected(c.minKiB, c.maxKiB),
    (v, w) => kibValue(v, w, c.minKiB, c.maxKiB),
    (b) => `${b / 1024}KiB`,
    '<KiB>',
  );
}

/** One of the names a package exports (import the registry; never copy the names). */
export function choice<const K extends string, const C extends Config<K>>(choices: readonly K[], c: C) {
  return make<K, C>(
    c,
    'choice',
    `one of ${choices.join(', ')}`,
    (v, w) => choiceValue(v, w, choices),
    String,
    '<name>',
    choices,
  );
}

/** on/off on the command line, true/false in sweep files; typed boolean in run(). */
export function bool<const C extends Config<boolean>>(c: C) {
  return make<boolean, C>(c, 'bool', 'on or off', boolValue, (b) => (b ? 'on' : 'off'), '<on|off>', ['on', 'off']);
}

/** Free text (a name, a path, a title), non-empty and bounded. */
export function text<const C extends Config<string> & { maxLength?: number; pattern?: RegExp; patternText?: string }>(
  c: C,
) {
  const max = c.maxLength ?? 4096;
  return make<string, C>(
    c,
    'string',
    c.patternText ?? `a non-empty text of at most ${max} characters`,
    (v, w) => stringValue(v, w, max, c.pattern, c.patternText),
    String,
    '<text>',
  );
}

/** A structured value with its own parser (`--fractions kernel=0.1,free=0.9`, or a mapping in a sweep file). */
export function custom<T, const C extends Config<T> & { expected: string; parse: (v: Given, where: string) => T }>(
  c: C,
) {
  return make<T, C>(c, 'custom', c.expected, c.parse, (v) => JSON.stringify(v), '<value>');
}

/** Parses one given value (scalar or list) of an option. */
export function parseOption(o: AnyOption, given: Given, where: string): unknown {
  if (!o.list) {
    if (o.kind !== 'custom' && (Array.isArray(given) || (given !== null && typeof given === 'object')))
      throw badValue(where, given, `${o.expected} (one value: this option takes no list)`);
    return o.item(given, where);
  }
  return listValue(given, where, (x) => o.item(x, where), o.maxItems);
}

/** The default as help shows it: "(default: 800MiB)", or the defaultText. */
export function defaultHelp(o: AnyOption): string {
  if (o.defaultText !== undefined) return o.defaultText;
  if (o.default === undefined) return '';
  const d = o.default as unknown;
  return Array.isArray(d) ? d.map((x) => o.show(x)).join(',') : o.show(d);
}

/**
 * The names of a union type a package exports only as a type (`HighmemEra['pkmapFlush']`), checked at compile time
 * to be exactly that union: a name the package adds or drops breaks the build instead of drifting. Prefer the
 * package's own array where it exports one (MAP_KINDS, DESIGN_CHOICES, RMAP_KINDS).
 */
export function allOf<T extends string>() {
  return <const L extends readonly T[]>(
    list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> }),
  ): L => list;
}
