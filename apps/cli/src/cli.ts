#!/usr/bin/env node
// The kmemsim binary.
import { main } from './framework/program.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
