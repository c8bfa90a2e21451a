import { describe, expect, it } from 'vitest';
import { UsageError } from '../framework/errors.js';
import { loadVega, SVG_PACKAGES } from './svg.js';

// Node's own error for a bare specifier that is not installed.
const notFound = (name: string) =>
  Object.assign(new Error(`Cannot find package '${name}' imported from /usr/lib/node_modules/kmemsim/dist/svg.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });

describe('optional chart packages', () => {
  it('loads vega and vega-lite when installed', async () => {
    const { vega, vl } = await loadVega();
    expect(typeof vega.View).toBe('function');
    expect(typeof vl.compile).toBe('function');
  });

  it('says what to install, as a usage error, when vega-lite is missing', async () => {
    const load = (name: string) => (name === 'vega-lite' ? Promise.reject(notFound(name)) : import('vega'));
    const err = await loadVega(load as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(`npm i ${SVG_PACKAGES}`);
    expect((err as Error).message).not.toContain('\n');
  });

  it('does not hide other failures (a missing dependency of vega itself is not a missing vega)', async () => {
    const load = () => Promise.reject(notFound('d3-scale'));
    await expect(loadVega(load as never)).rejects.toThrow(/d3-scale/);
    await expect(loadVega(load as never)).rejects.not.toBeInstanceOf(UsageError);
  });
});
