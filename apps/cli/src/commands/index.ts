// Every simulation command, in the order `kmemsim --help` lists them. One module per command.
import type { CommandModule } from '../framework/command.js';
import { checkpointCommand } from './checkpoint.js';
import { rmapForkCommand } from './rmap-fork.js';
import { testVmallocCommand } from './test-vmalloc.js';
import { vmapBenchCommand } from './vmap-bench.js';
import { vmcoreDumpCommand } from './vmcore-dump.js';
import { vmcoreImageCommand } from './vmcore-image.js';
import { xfsDirCommand } from './xfs-dir.js';

export const COMMANDS: CommandModule[] = [
  checkpointCommand,
  vmapBenchCommand,
  testVmallocCommand,
  xfsDirCommand,
  rmapForkCommand,
  vmcoreDumpCommand,
  vmcoreImageCommand,
];
