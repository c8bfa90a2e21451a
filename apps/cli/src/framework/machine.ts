// The common machine options of every simulation command (--arch, --virt, --cpus, --seed, --tick) and their
// resolution against the chosen arch (its virt modes, maxCpus and clock).
import type { ArchProfile, VirtModeName } from '@kmemsim/mmu';
import { VIRT_MODES } from '@kmemsim/mmu';
import { BUILTIN_ARCHES, loadArch } from './arches.js';
import { badValue } from './errors.js';
import { limit } from './limits.js';
import { choice, int, text } from './options.js';
import { checkTick, type TickChoice, tickOption } from './tick.js';

/** Hard ceiling of --cpus whatever the arch says: per-CPU TLB arrays and run queues follow it. */
export const MAX_CPUS = 8192;
/** Per-CPU TLB arrays: 2^24 entries in all is 400 MiB. */
export const MAX_TLB_SLOTS = 2 ** 24;

/** What --arch takes, for the error an empty value gets (a name that is not an arch gets loadArch's). */
export const ARCH_EXPECTED = `a built-in arch (${BUILTIN_ARCHES.join(', ')}), an installed plugin package, or a plugin file (.mjs, .js, .json)`;

/**
 * The options every machine-running command shares: --arch (a built-in name, an installed plugin package or a
 * file), --virt, --cpus, --seed, --tick (off unless given); `defaultArch` is the default of --arch.
 */
export function machineOptions<const A extends string>(defaultArch: A) {
  return {
    arch: text({
      description: `architecture: a built-in name (${BUILTIN_ARCHES.join(', ')}), an installed plugin package, or a plugin file (.mjs, .js, .json)`,
      default: defaultArch,
      placeholder: '<name|package|path>',
      maxLength: 4096,
      patternText: ARCH_EXPECTED,
    }),
    virt: choice(VIRT_MODES, {
      description: 'virtualization mode (the arch must offer it)',
      default: 'none',
      placeholder: '<mode>',
    }),
    cpus: int({
      description: `simulated CPUs, at most the arch's maxCpus`,
      min: 1,
      max: MAX_CPUS,
      defaultText: "the arch's defaultCpus",
    }),
    seed: int({
      description: 'random seed; same seed ⇒ same bytes (sweep files set it with seeds:)',
      min: 0,
      max: 2 ** 32 - 1,
      default: 1,
      sweep: false,
    }),
    tick: tickOption,
  };
}

export interface MachineChoice {
  arch: ArchProfile;
  virt: VirtModeName;
  cpus: number;
  seed: number;
  /** --tick; undefined or null: off. */
  tick?: TickChoice | null;
}

/**
 * Loads the arch and checks --virt, --cpus and --tick against it; `hasEra`: the command runs vmap designs, whose
 * kernels give --tick's `era` phase.
 */
export async function resolveMachine(
  o: {
    arch: string;
    virt: VirtModeName;
    cpus: number | undefined;
    seed: number;
    tick?: TickChoice | null;
  },
  hasEra = false,
): Promise<MachineChoice> {
  const arch = await loadArch(o.arch);
  if (o.virt !== 'none' && !arch.virt[o.virt]) {
    const have = ['none', ...Object.keys(arch.virt)].join(', ');
    throw badValue('--virt', o.virt, `a virt mode arch ${arch.name} offers (${have})`);
  }
  const maxCpus = Math.min(arch.maxCpus, MAX_CPUS);
  if (o.cpus !== undefined && o.cpus > maxCpus) throw badValue('--cpus', o.cpus, `an integer from 1 to ${maxCpus}`);
  const cpus = o.cpus ?? Math.min(arch.defaultCpus, maxCpus);
  // The TLB model keeps 24 bytes per entry per CPU.
  limit(
    `--cpus × tlb.entries of arch ${arch.name} (${cpus} × ${arch.tlb.entries})`,
    cpus * arch.tlb.entries,
    MAX_TLB_SLOTS,
    'TLB entries a machine may have (memory)',
  );
  checkTick(o.tick, arch.clockHz, hasEra);
  return { arch, virt: o.virt, cpus, seed: o.seed, ...(o.tick ? { tick: o.tick } : {}) };
}
