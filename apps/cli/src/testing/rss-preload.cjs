// Test-only preload (node --require): at exit, writes the process's peak RSS in KiB to $KMEMSIM_TEST_RSS_FILE, so
// the tests can check that no input makes kmemsim grow without bound.
const file = process.env.KMEMSIM_TEST_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      require('node:fs').writeFileSync(file, String(process.resourceUsage().maxRSS));
    } catch {}
  });
}
