// One definition per command: the names in --help, in JSON variants, in sweep files and in calibration entries
// all come from it.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_ARCHES, builtinArches } from '../framework/arches.js';
import { parseCommandLine } from '../framework/invoke.js';
import { kebab, snake } from '../framework/keys.js';
import { loadFigures } from '../reproduce/calibration.js';
import { cli } from '../testing/in-process.js';
import { COMMANDS } from './registry.js';

const golden = new URL('../golden/', import.meta.url);

describe('command definitions', () => {
  it('--help lists every option of every command under its kebab-case flag', async () => {
    for (const def of COMMANDS) {
      const r = await cli([...def.name.split(' '), '--help']);
      expect(r.code, def.name).toBe(0);
      for (const [name, o] of Object.entries(def.options)) {
        if (o.positional) continue;
        expect(r.out, `${def.name} --${kebab(name)}`).toContain(`--${kebab(name)} ${o.placeholder}`);
      }
    }
  });

  it('JSON variants are keyed by option names (snake_case)', () => {
    for (const f of readdirSync(golden).filter((f) => f.endsWith('.json') && !f.startsWith('arch'))) {
      const doc = JSON.parse(readFileSync(new URL(f, golden), 'utf8'));
      const def = COMMANDS.find((c) => c.name === doc.command);
      expect(def, f).toBeDefined();
      const names = Object.keys(def?.options ?? {}).map(snake);
      for (const run of doc.runs) for (const k of Object.keys(run.variant)) expect(names, `${f}: ${k}`).toContain(k);
    }
  });

  it('every calibration entry parses through its command definition, and its variant names options', async () => {
    for (const f of loadFigures()) {
      const { def } = await parseCommandLine(f.argv);
      const names = Object.keys(def.options).map(snake);
      for (const k of Object.keys(f.variant)) expect(names, `${f.id}: variant ${k}`).toContain(k);
    }
  });

  it('the built-in arch names are those of the arch packages', async () => {
    expect([...BUILTIN_ARCHES]).toEqual((await builtinArches()).map((a) => a.name));
  });
});
