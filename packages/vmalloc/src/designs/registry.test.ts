import { describe, expect, it } from 'vitest';
import { ALIAS_API, DESIGN_CHOICES, DESIGN_NAMES, DESIGNS, resolveDesign, UnknownDesignError } from './registry.js';

describe('design registry', () => {
  it('has one record per design along the kernel history, oldest first', () => {
    expect(DESIGN_NAMES).toEqual(['2.6.27', '2.6.28', '2.6.37', '2.6.39', '5.2', '6.9']);
    expect(new Set(DESIGN_CHOICES).size).toBe(DESIGN_CHOICES.length);
  });

  it('resolves the old names as aliases', () => {
    const alias = Object.fromEntries(
      ['legacy', 'lazy', 'percpu', 'rb2019', 'pools2024'].map((a) => [a, resolveDesign(a).name]),
    );
    expect(alias).toEqual({ legacy: '2.6.27', lazy: '2.6.28', percpu: '2.6.28', rb2019: '5.2', pools2024: '6.9' });
    expect(ALIAS_API.percpu).toBe('vm_map_ram');
  });

  it('rejects an unknown name, listing every design and alias', () => {
    expect(() => resolveDesign('slab')).toThrow(UnknownDesignError);
    expect(() => resolveDesign('slab')).toThrow(
      "unknown vmap design 'slab', expected one of 2.6.27, 2.6.28, 2.6.37, 2.6.39, 5.2, 6.9 (aliases: legacy = 2.6.27",
    );
  });

  it('records what changed between neighbours, and only that', () => {
    const diff = (a: string, b: string) => {
      const x = resolveDesign(a) as unknown as Record<string, unknown>;
      const y = resolveDesign(b) as unknown as Record<string, unknown>;
      return Object.keys(x).filter(
        (k) => !['name', 'aliases', 'origin', 'summary'].includes(k) && JSON.stringify(x[k]) !== JSON.stringify(y[k]),
      );
    };
    expect(diff('2.6.28', '2.6.37')).toEqual([
      'perCpuBlocks',
      'pteClear',
      'failurePurge',
      'iounmapNonlazy',
      'tickPhase',
    ]);
    expect(diff('2.6.37', '2.6.39')).toEqual(['holeSearch', 'gapPages']);
    expect(diff('5.2', '6.9')).toEqual([
      'vmapAreaBytes',
      'perCpuBlocks',
      'bookkeeping',
      'pools',
      'purgeTrigger',
      'purgeHelpers',
      'vfreeLockTrips',
      'iounmapNonlazy',
      'scheduler',
    ]);
    for (const d of DESIGNS) expect(d.origin.length, d.name).toBeGreaterThan(10);
  });

  it("gives each design its era's x86 rwlock: the biased counter before 3.16, qrwlock after", () => {
    expect(Object.fromEntries(DESIGNS.map((d) => [d.name, d.rwlock]))).toEqual({
      '2.6.27': 'biased',
      '2.6.28': 'biased',
      '2.6.37': 'biased',
      '2.6.39': 'biased',
      '5.2': 'queued',
      '6.9': 'queued',
    });
  });

  it("gives each design its era's tick phase: skewed before 2.6.36, aligned after", () => {
    expect(Object.fromEntries(DESIGNS.map((d) => [d.name, d.tickPhase]))).toEqual({
      '2.6.27': 'stagger',
      '2.6.28': 'stagger',
      '2.6.37': 'aligned',
      '2.6.39': 'aligned',
      '5.2': 'aligned',
      '6.9': 'aligned',
    });
  });
});
