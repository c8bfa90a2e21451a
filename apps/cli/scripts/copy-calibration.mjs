// Ships the calibration data with the CLI: tools/calibration/*.json → dist/calibration/.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';

const from = new URL('../../../tools/calibration/', import.meta.url);
const to = new URL('../dist/calibration/', import.meta.url);
mkdirSync(to, { recursive: true });
for (const f of readdirSync(from).filter((f) => /^\d{3}-.*\.json$/.test(f)))
  copyFileSync(new URL(f, from), new URL(f, to));
