import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../testing/in-process.js';
import { parseTypedDocument } from './typed-runs.js';

afterEach(() => vi.restoreAllMocks());

describe('kmemsim checkpoint', () => {
  it('prints one result document with a run per --map value (json)', async () => {
    const r = await cli([
      'checkpoint',
      '--arch',
      'i386',
      '--virt',
      'kvm-shadow',
      '--size',
      '64MiB',
      '--map',
      'kmap,kmap_atomic,kmap_local',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = parseTypedDocument('checkpoint', JSON.parse(r.out));
    expect(doc.command).toBe('checkpoint');
    expect(doc.runs.map((x) => x.variant)).toEqual([{ map: 'kmap' }, { map: 'kmap_atomic' }, { map: 'kmap_local' }]);
    expect(doc.params.pae).toBe(true);
    expect(doc.params.pkmap_entries).toBe(512);
    expect(doc.runs[0].profile.length).toBe(20);
    expect(doc.runs[0].metrics.pages).toBe(16_384);
  });

  it('prints the time block, the readprofile list and the comparison (table)', async () => {
    const r = await cli(['checkpoint', '--virt', 'kvm-shadow', '--size', '16MiB', '--map', 'kmap,kmap_atomic']);
    expect(r.code).toBe(0);
    // No mechanism or fitted value gives the task user time here: said so, not printed as zero.
    expect(r.out).toMatch(/== --map kmap ==\nreal\t0m\d+\.\d{3}s\nuser\t\(unmodelled: [^\n]+\)\nsys\t0m/);
    expect(r.out).toMatch(/^│ kmap +│ +[\d.]+ │ unmodelled │/m);
    expect(r.out).toMatch(/^ +\d+ checkpoint_dump_page +\d+\.\d{4}$/m);
    expect(r.out).toContain('comparison (sourced values only):');
    expect(r.out).toContain('kmap_atomic');
  });

  it('readprofile lists only symbols that took ticks, as readprofile(1) without -a', async () => {
    const short = await cli(['checkpoint', '--size', '8MiB', '--map', 'kmap']);
    expect(short.code).toBe(0);
    expect(short.out).toMatch(/load = ticks \/ size\):\n +1 \(unmodelled\) +-\n\n/);
    expect(short.out).not.toMatch(/^ +0 [\w(]/m);
    const none = await cli(['checkpoint', '--size', '1MiB', '--map', 'kmap']);
    expect(none.out).toContain('     0 (no symbol took a tick: the run is shorter than one tick per symbol)');
  });

  it('runs on x86_64, where kmap does no mapping work', async () => {
    const r = await cli(['checkpoint', '--arch', 'x86_64', '--size', '8MiB', '--map', 'kmap', '--format', 'json']);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.out).runs[0];
    expect(run.metrics.invlpg + run.metrics.tlb_flush_global + run.metrics.pkmap_wraps).toBe(0);
  });

  it('PAE off gives LAST_PKMAP 1024: one flush every 4 MiB', async () => {
    const r = await cli(['checkpoint', '--size', '16MiB', '--map', 'kmap', '--pae', 'off', '--format', 'json']);
    const doc = JSON.parse(r.out);
    expect(doc.params.pkmap_entries).toBe(1024);
    expect(doc.runs[0].metrics.pkmap_wraps).toBe(4);
  });

  it('--experiment seed000 applies its fitted values and configuration; without it only sourced values', async () => {
    const exp = JSON.parse(
      (await cli(['checkpoint', '--experiment', 'seed000', '--size', '16MiB', '--format', 'json'])).out,
    );
    expect(exp.arch).toBe('i386');
    expect(exp.virt).toBe('kvm-shadow');
    expect(exp.params.experiment).toBe('seed000');
    expect(exp.params.workload.userCyclesPerPage).toBe(exp.params.fitted.userCyclesPerPage.value);
    expect(exp.params.user_time).toBe('fitted');
    expect(exp.runs[0].time.user_s).toBeGreaterThan(0);
    expect(Object.keys(exp.params.fitted)).toHaveLength(7);
    const plain = JSON.parse(
      (
        await cli([
          'checkpoint',
          '--arch',
          'i386',
          '--virt',
          'kvm-shadow',
          '--size',
          '16MiB',
          '--map',
          'kmap',
          '--format',
          'json',
        ])
      ).out,
    );
    expect(plain.params.experiment).toBe('none');
    expect(plain.runs[0].time.sys_s).toBeLessThan(exp.runs[0].time.sys_s / 2);
  });

  it('x86_64 bare metal uses no seed 000 fitted value', async () => {
    const doc = JSON.parse(
      (
        await cli([
          'checkpoint',
          '--arch',
          'x86_64',
          '--virt',
          'none',
          '--size',
          '16MiB',
          '--map',
          'kmap',
          '--format',
          'json',
        ])
      ).out,
    );
    const { SEED000 } = await import('@kmemsim/highmem');
    for (const [k, v] of Object.entries(SEED000.params)) expect(doc.params.workload[k], k).not.toBe(v);
    expect(doc.runs[0].time.user_s).toBeNull();
    expect(doc.params.user_time).toBe('unmodelled');
  });

  it('--format md and csv: the same rows, an unmodelled user time says so (not 0)', async () => {
    const md = await cli(['checkpoint', '--size', '16MiB', '--map', 'kmap,kmap_atomic', '--format', 'md']);
    expect(md.code).toBe(0);
    expect(md.out).toMatch(/^\*\*--map kmap\*\*$/m);
    expect(md.out).toMatch(
      /^\| real_s \| user_s \| sys_s \|\n\|---:\|---\|---:\|\n\| [\d.]+ \| unmodelled \| [\d.]+ \|$/m,
    );
    expect(md.out).toMatch(/^\| ticks \| symbol \| load \|$/m);
    expect(md.out).toMatch(/^\| kmap_atomic \| [\d.]+ \| unmodelled \| /m);
    expect(md.out).toMatch(/^verdict by sys time: /m);
    const csv = await cli(['checkpoint', '--size', '4MiB', '--map', 'kmap', '--format', 'csv']);
    const [head, row] = csv.out
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(row[head.indexOf('time.user_s')]).toBe('unmodelled');
    const exp = await cli(['checkpoint', '--experiment', 'seed000', '--size', '4MiB', '--format', 'md']);
    expect(exp.out).toMatch(/^\| [\d.]+ \| [\d.]+ \| [\d.]+ \|$/m);
  });

  it('with several variants, says whether the verdict holds across every [U] range', async () => {
    const r = await cli(['checkpoint', '--experiment', 'seed000', '--size', '8MiB', '--map', 'kmap,kmap_atomic']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^verdict by sys time: kmap < kmap_atomic$/m);
    expect(r.out).toMatch(/^ {2}kmap < kmap_atomic: holds across all \d+ \[U\] ranges$/m);
  });

  it('--writers N runs N checkpointing processes on N CPUs; --kvm picks the host version', async () => {
    const doc = JSON.parse(
      (
        await cli([
          'checkpoint',
          '--virt',
          'kvm-shadow',
          '--cpus',
          '4',
          '--writers',
          '4',
          '--kvm',
          '2.6.30',
          '--size',
          '8MiB',
          '--map',
          'kmap',
          '--format',
          'json',
        ])
      ).out,
    );
    expect(doc.params.writers).toBe(4);
    expect(doc.params.kvm).toBe('2.6.30');
    expect(doc.runs[0].metrics.writers).toBe(4);
    expect(doc.runs[0].counters.lock_contended).toBeGreaterThan(0);
  });

  it('--nohz off samples the idle CPU as default_idle; the times are those of --nohz on', async () => {
    const run = async (nohz: string) =>
      JSON.parse(
        (
          await cli([
            'checkpoint',
            '--virt',
            'kvm-shadow',
            '--size',
            '8MiB',
            '--map',
            'kmap',
            '--nohz',
            nohz,
            '--format',
            'json',
          ])
        ).out,
      );
    const [on, off] = [await run('on'), await run('off')];
    expect(on.params.nohz).toBe(true);
    expect(off.params.nohz).toBe(false);
    const idle = (d: { runs: { profile: { symbol: string }[] }[] }) =>
      d.runs[0].profile.some((row) => row.symbol === 'default_idle');
    expect(idle(on)).toBe(false);
    expect(idle(off)).toBe(true);
    expect(off.runs[0].time).toEqual(on.runs[0].time);
  });

  it.each([
    [['--nohz', 'sometimes'], /--nohz: got "sometimes", expected one of on, off/],
    [['--experiment', 'seed001'], /--experiment: got "seed001", expected one of seed000/],
    [['--experiment', 'seed000', '--virt', 'none'], /--virt conflicts with --experiment seed000/],
    [['--experiment', 'seed000', '--arch', 'x86_64'], /--arch conflicts with --experiment seed000/],
    [['--kvm', '2.6.40'], /--kvm: got "2.6.40", expected one of 2.6.27/],
    [['--writers', '3'], /--writers: got "3", expected an integer from 1 to 2/],
    [['--virt', 'kvm-shadow', '--arch', 'i386-bigsmp', '--cpus', '32'], /--cpus 32: .*16 vCPUs under kvm-shadow/],
    [['--map', 'kmapp'], /--map: got "kmapp", expected one of kmap, kmap_atomic, kmap_local/],
    [['--size', 'lots'], /--size: got "lots"/],
    [['--pae', 'maybe'], /--pae: got "maybe", expected one of on, off/],
    [['--arch', 'x86_64', '--pae', 'on'], /--pae: got "on", expected off \(arch x86_64 has no PAE mode\)/],
    [['--disk-mbps', '0'], /--disk-mbps: got "0", expected a number from 0.001 to/],
    [['--pkmap-flush', 'sometimes'], /--pkmap-flush: got "sometimes"/],
  ])('bad input %j: one line, exit 2', async (args, msg) => {
    const r = await cli(['checkpoint', '--size', '4MiB', ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });
});
