// What a kmemsim command is: options for commander, an execute() that returns the one result document, and
// optionally its own table. The framework adds the common options, parses formats and writes the output, so
// `sweep` and `reproduce` can run any command in-process through execute().
import type { ResultDocument } from '@kmemsim/core';
import type { ArchProfile, VirtModeName } from '@kmemsim/mmu';
import type { Command } from 'commander';
import { loadArch } from './arches.js';
import { badValue } from './errors.js';
import { parseChoice, parseIntIn } from './parse.js';

export type Format = 'table' | 'json' | 'csv' | 'svg' | 'md' | 'html';

/** Raw option values as commander gives them (strings, or booleans for bare flags), keyed camelCase. */
export type RawOptions = Record<string, unknown>;

export interface ExecContext {
  /** Progress lines go here (stderr on a TTY; silent otherwise). */
  progress(done: number, total: number, label: string): void;
}

export interface CommandModule {
  name: string;
  summary: string;
  /** Full command lines shown under "Examples" in --help. */
  examples: string[];
  /** Which common options apply (default: all machine options). */
  common?: { machine?: boolean; formats?: Format[] };
  /** Default arch when --arch is not given. */
  defaultArch?: string;
  /** Adds this command's own options (common ones are added by the framework). */
  options(cmd: Command): void;
  /** Validates options (UsageError on bad input), runs, returns the result document. */
  execute(opts: RawOptions, ctx: ExecContext): Promise<ResultDocument>;
  /** Human table for --format table (default: the generic runs table). */
  renderTable?(doc: ResultDocument): string;
  /** Any other format this command renders itself (md, html, svg …); undefined falls back to the defaults. */
  renderFormat?(doc: ResultDocument, format: Format): string | undefined | Promise<string | undefined>;
  /** Exit code after a successful run (reproduce: 1 when a calibrated figure is out of tolerance). */
  exitCode?(doc: ResultDocument): number;
}

export interface MachineChoice {
  arch: ArchProfile;
  virt: VirtModeName;
  cpus: number;
  seed: number;
}

export const VIRT_CHOICES = ['none', 'kvm-shadow', 'kvm-ept', 'xen-pv'] as const;

/** Resolves the common machine options: --arch, --virt, --cpus, --seed. */
export async function machineChoice(opts: RawOptions, defaultArch = 'x86_64'): Promise<MachineChoice> {
  const arch = await loadArch(String(opts.arch ?? defaultArch));
  const virt = parseChoice(String(opts.virt ?? 'none'), '--virt', VIRT_CHOICES);
  if (virt !== 'none' && !arch.virt[virt]) {
    const have = ['none', ...Object.keys(arch.virt)].join(', ');
    throw badValue('--virt', virt, `a virt mode arch ${arch.name} offers (${have})`);
  }
  const cpus = opts.cpus === undefined ? arch.defaultCpus : parseIntIn(String(opts.cpus), '--cpus', 1, arch.maxCpus);
  const seed = opts.seed === undefined ? 1 : parseIntIn(String(opts.seed), '--seed', 0, 2 ** 32 - 1);
  return { arch, virt, cpus, seed };
}
