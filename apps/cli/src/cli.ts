#!/usr/bin/env node
// The kmemsim binary.
import { main } from './framework/program.js';

let finished = false;
main(process.argv.slice(2)).then((code) => {
  finished = true;
  process.exitCode = code;
});
// If the event loop drains while main() is still waiting (a plugin whose top-level await never settles), Node
// would exit 0 with no output: say so and fail instead.
process.on('beforeExit', () => {
  if (!finished) {
    process.stderr.write('kmemsim: error: the command never finished (a plugin or input left a promise unsettled)\n');
    process.exitCode = 1;
    finished = true;
  }
});
