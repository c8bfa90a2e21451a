console.log('bench: see tools/bench/README.md');
