// The buffered-write path's functions modelled one by one (params.ts WRITE_PATH), as per-page charges: each
// function's calls × its bare cycles, plus one refill after the exits that flushed the TLB since the previous page
// (kvm-shadow on Core 2; 0 elsewhere). __block_prepare_write is a workload parameter of its own.
import { type WorkloadParams, WRITE_PATH } from './params.js';

/**
 * Per-page charges of the buffered-write path: [symbol, cycles] for each function modelled (calls × bare cycles),
 * plus `refill` cycles after exits that flushed the TLB.
 */
export function writePathCharges(p: WorkloadParams, refill: number): [string, number][] {
  const out: [string, number][] = [['__block_prepare_write', refill + p.blockPrepareWriteCycles]];
  for (const f of WRITE_PATH) out.push([f.symbol, refill + f.callsPerPage * f.cyclesPerCall]);
  return out;
}
