import { readFileSync } from 'node:fs';
import x86_64 from '@kmemsim/arch-x86_64';
import { describe, expect, it } from 'vitest';
import { runConformance } from './conformance.js';
import { archProfileJsonSchema } from './json-schema.js';
import { ArchProfileSchema } from './schema.js';
import { editDistance, nearest } from './strict.js';
import { checkArch, defineArch } from './validate.js';

const clone = () => structuredClone(x86_64) as unknown as Record<string, any>;
const byPath = (p: unknown) => Object.fromEntries(checkArch(p).map((x) => [x.path, x.message]));

describe('strict profiles: unknown fields are errors with a did-you-mean', () => {
  it('rejects a misspelt optional field that carries a source (it used to fall back to the default silently)', () => {
    const p = clone();
    p.virt['kvm-ept'].tlbMisCycles = p.virt['kvm-ept'].tlbMissCycles;
    delete p.virt['kvm-ept'].tlbMissCycles;
    p.sources['virt.kvm-ept.tlbMisCycles'] = p.sources['virt.kvm-ept.tlbMissCycles'];
    delete p.sources['virt.kvm-ept.tlbMissCycles'];
    expect(checkArch(p)).toEqual([
      { path: 'virt.kvm-ept.tlbMisCycles', message: 'unknown field "tlbMisCycles"; did you mean tlbMissCycles?' },
    ]);
  });

  it('checks virt modes by name', () => {
    const p = clone();
    p.virt.kvm_shadow = p.virt['kvm-shadow'];
    delete p.virt['kvm-shadow'];
    expect(byPath(p)['virt.kvm_shadow']).toBe(
      'unknown virt mode (one of kvm-shadow, kvm-ept, xen-pv) "kvm_shadow"; did you mean kvm-shadow?',
    );
  });

  it('says where a field belongs when it sits in the wrong block, and lists the choices when nothing is close', () => {
    const p = clone();
    p.invlpgCycles = 1;
    p.tlb.zzz = 1;
    const got = byPath(p);
    expect(got.invlpgCycles).toBe('unknown field "invlpgCycles"; it belongs at costs.invlpgCycles');
    expect(got['tlb.zzz']).toBe('unknown field "zzz" (expected one of: entries, globalFlush, rangeFlushCeilingPages)');
  });

  it('says what was given and what was expected', () => {
    const p = clone();
    p.wordBits = 48;
    p.costs.invlpgCycles = -1;
    const got = byPath(p);
    expect(got.wordBits).toBe('Invalid option: expected one of 32|64 (got 48)');
    expect(got['costs.invlpgCycles']).toBe('Too small: expected number to be >=0 (got -1)');
  });

  it('rejects a source that names no number, suggesting the number that lacks one', () => {
    const p = clone();
    p.sources['costs.invlpgCycle'] = p.sources['costs.invlpgCycles'];
    delete p.sources['costs.invlpgCycles'];
    const got = byPath(p);
    expect(got['sources.costs.invlpgCycles']).toMatch(/^missing/);
    expect(got['sources.costs.invlpgCycle']).toBe(
      'source for costs.invlpgCycle, but no such field; did you mean costs.invlpgCycles?',
    );
  });

  it('names placeholders a starter profile leaves (NaN numbers, TODO sources)', () => {
    const p = clone();
    p.costs.invlpgCycles = Number.NaN;
    p.sources['costs.invlpgCycles'] = 'TODO: where this number comes from';
    expect(byPath(p)).toEqual({
      'costs.invlpgCycles': 'not filled in (TODO)',
      'sources.costs.invlpgCycles': 'not filled in: "TODO: where this number comes from"',
    });
  });

  it('reports every issue at once, each with its dot path', () => {
    const p = clone();
    p.costs.tlbMisCycles = 5;
    p.virt['xen-pvv'] = {};
    p.wordBits = 48;
    delete p.hz;
    p.sources.nothing = 'x';
    expect(checkArch(p).map((x) => x.path)).toEqual(
      expect.arrayContaining(['costs.tlbMisCycles', 'virt.xen-pvv', 'wordBits', 'hz', 'sources.nothing']),
    );
  });

  it('TypeScript rejects a misspelt field in defineArch', () => {
    const typoed = () =>
      // @ts-expect-error tlbMisCycles is not an ArchCosts field
      defineArch({ ...x86_64, costs: { ...x86_64.costs, tlbMisCycles: 5 } });
    expect(typoed).toThrow(/did you mean tlbMissCycles/);
  });
});

describe('the conformance kit on an invalid profile', () => {
  it('fails every check, not only the schema one', () => {
    const p = clone();
    p.costs.tlbMisCycles = 5;
    const findings = runConformance(p as never);
    expect(findings.length).toBeGreaterThan(1);
    for (const f of findings) expect(f.problem).not.toBeNull();
    expect(findings[0].problem).toContain('did you mean tlbMissCycles');
  });
});

describe('did-you-mean', () => {
  it('counts a transposition as one edit and ignores case', () => {
    expect(editDistance('tlbMisCycles', 'tlbMissCycles')).toBe(1);
    expect(editDistance('ivnlpgCycles', 'invlpgCycles')).toBe(1);
    expect(editDistance('TLBMISSCYCLES', 'tlbMissCycles')).toBe(0);
  });

  it('suggests only close names', () => {
    expect(nearest('kvmshadow', ['kvm-shadow', 'kvm-ept', 'xen-pv'])).toBe('kvm-shadow');
    expect(nearest('hz', ['name', 'hz2'])).toBe('hz2');
    expect(nearest('banana', ['entries', 'globalFlush'])).toBeNull();
  });
});

describe('field descriptions and the JSON Schema for plugin authors', () => {
  const schema = archProfileJsonSchema();

  it('ships schema/arch-profile.schema.json equal to the zod schema', () => {
    const file = JSON.parse(readFileSync(new URL('../schema/arch-profile.schema.json', import.meta.url), 'utf8'));
    expect(file).toEqual(schema);
  });

  it('describes every field (the zod description is the JSON Schema description) and allows no unknown field', () => {
    const undescribed: string[] = [];
    const open: string[] = [];
    const walk = (node: Record<string, any>, path: string) => {
      if (node.anyOf) for (const alt of node.anyOf) walk(alt, path);
      if (node.type !== 'object' || !node.properties) return;
      if (node.additionalProperties !== false) open.push(path || '(root)');
      for (const [k, v] of Object.entries<Record<string, any>>(node.properties)) {
        const p = path ? `${path}.${k}` : k;
        if (!v.description && !v.anyOf?.some((a: Record<string, any>) => a.description)) undescribed.push(p);
        walk(v, p);
      }
    };
    walk(schema, '');
    expect(undescribed).toEqual([]);
    expect(open).toEqual([]);
    expect(ArchProfileSchema.shape.costs.shape.invlpgCycles.description).toMatch(/cycles ≥ 0/);
  });
});
