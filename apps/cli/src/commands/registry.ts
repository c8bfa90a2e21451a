// Every command, in the order `kmemsim --help` lists them. One definition per file.
import type { CommandDef } from '../framework/define.js';
import { archInitCommand } from './arch-init.js';
import { archListCommand } from './arch-list.js';
import { archShowCommand } from './arch-show.js';
import { checkpointCommand } from './checkpoint.js';
import { mergeCommand } from './merge.js';
import { reportCommand } from './report.js';
import { reproduceCommand } from './reproduce.js';
import { rmapForkCommand } from './rmap-fork.js';
import { sweepCommand } from './sweep.js';
import { testVmallocCommand } from './test-vmalloc.js';
import { vmapBenchCommand } from './vmap-bench.js';
import { vmcoreDumpCommand } from './vmcore-dump.js';
import { vmcoreImageCommand } from './vmcore-image.js';
import { xfsDirCommand } from './xfs-dir.js';

/** Every kmemsim command, in the order `--help` lists them. */
export const COMMANDS: readonly CommandDef[] = [
  archListCommand,
  archShowCommand,
  archInitCommand,
  checkpointCommand,
  vmapBenchCommand,
  testVmallocCommand,
  xfsDirCommand,
  rmapForkCommand,
  vmcoreDumpCommand,
  vmcoreImageCommand,
  reproduceCommand,
  sweepCommand,
  mergeCommand,
  reportCommand,
] as unknown as readonly CommandDef[];

/** Descriptions of command groups (`kmemsim arch`). */
export const GROUPS: Record<string, string> = {
  arch: 'list the architectures, show one with every field and its source, or start a plugin',
};
