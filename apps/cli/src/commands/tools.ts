// Commands that run other commands: listed after the simulations in --help.
import type { CommandModule } from '../framework/command.js';
import { reproduceCommand } from './reproduce.js';

export const TOOL_COMMANDS: CommandModule[] = [reproduceCommand];
