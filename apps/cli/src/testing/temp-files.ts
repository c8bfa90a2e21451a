// A fresh temporary folder for a test file's inputs, and a writer of named files in it that returns their paths.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempFiles {
  /** The folder (under the OS temporary folder, named from the prefix). */
  dir: string;
  /** Writes `text` to `dir/name` and returns that path. */
  put: (name: string, text: string | Buffer) => string;
}

export function tempFiles(prefix: string): TempFiles {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const put = (name: string, text: string | Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  return { dir, put };
}
