// Joins sweep outputs (shards, reruns): one line per point, ordered by point index. The same point twice must
// carry the same result; anything else is a determinism bug worth stopping for.
import { openInput } from '../framework/files.js';
import { readLines } from './jsonl.js';

export function mergeFiles(files: string[]): string {
  const byKey = new Map<string, { index: number; text: string }>();
  for (const f of files) {
    openInput(f, 'merge').close();
    for (const line of readLines(f)) {
      const text = JSON.stringify(line);
      const seen = byKey.get(line.key);
      if (seen && seen.text !== text)
        throw new Error(`merge: point ${line.index} has different results in different files (${f})`);
      byKey.set(line.key, { index: line.index, text });
    }
  }
  const lines = [...byKey.values()].sort((a, b) => a.index - b.index).map((x) => x.text);
  return lines.length ? `${lines.join('\n')}\n` : '';
}
