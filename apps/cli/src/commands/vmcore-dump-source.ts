// What vmcore-dump dumps: a real ELF vmcore file (--image, read with the Node reader) or a crashed machine the
// image model builds (--mem, --profile …). Both give the makedumpfile model its input and the result its `image`
// parameters.
import type { ArchProfile } from '@kmemsim/mmu';
import { type BuildImageOptions, buildImage, type VmcoreDumpOptions } from '@kmemsim/vmcore';
import { badValue, UsageError } from '../framework/errors.js';
import { openInput } from '../framework/files.js';

export interface DumpSource {
  src: Pick<VmcoreDumpOptions, 'image' | 'spec'>;
  imageParams: Record<string, unknown>;
  /** The crashed kernel's OSRELEASE (--image). */
  osrelease?: string;
  /** Pages makedumpfile's cycles cover (max_mapnr of the file, or the modelled memory in pages). */
  pages: number;
}

/** With --image the file says what these options would: each one given is an error. */
export function rejectImageConflicts(given: Record<string, unknown>, arch: string | undefined): void {
  for (const [f, v] of Object.entries(given)) {
    if (v !== undefined)
      throw new UsageError(
        `--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} conflicts with --image: the file says it`,
      );
  }
  if (arch !== undefined && arch !== 'x86_64') throw badValue('--arch', arch, 'x86_64 with --image');
}

/** Reads an ELF vmcore (streamed: headers, notes, page tables, mem_map) and checks it has what each level needs. */
export async function imageFileSource(file: string, levels: readonly number[]): Promise<DumpSource> {
  const node = await import('@kmemsim/vmcore/node');
  let info: ReturnType<typeof node.readVmcoreFile>;
  openInput(file, '--image').close(); // a regular file (not /dev/zero, a pipe or a directory)
  try {
    info = node.readVmcoreFile(file);
  } catch (err) {
    if (err instanceof node.VmcoreFileError) throw new UsageError(`--image: ${err.message}`);
    throw err;
  }
  for (const level of levels) {
    const missing = info.missingFor(level);
    if (missing) throw new UsageError(`--dump-level ${level}: the VMCOREINFO of ${file} has no ${missing}`);
  }
  return {
    src: { spec: info.spec },
    osrelease: info.osrelease,
    pages: info.spec.maxMapnr,
    imageParams: {
      file,
      file_bytes: info.fileBytes,
      osrelease: info.osrelease,
      crash_cpus: info.cpus,
      pt_loads: info.spec.loads,
      max_mapnr: info.spec.maxMapnr,
      struct_page_bytes: info.spec.kernel.structPageBytes,
      memory_model: info.memMap.model,
      mem_map_sections: info.memMap.sections,
      hwpoison: info.spec.kernel.hwpoison,
    },
  };
}

/** Builds the crashed machine's memory from the image model; a size it cannot hold is a --mem error. */
export function modelledSource(
  o: Omit<BuildImageOptions, 'arch'> & { arch: ArchProfile },
  crashCpus: number,
): DumpSource {
  let img: ReturnType<typeof buildImage>;
  try {
    img = buildImage(o);
  } catch (err) {
    throw new UsageError(`--mem ${o.memBytes}: ${(err as Error).message}`);
  }
  return {
    src: { image: img },
    pages: Math.ceil(o.memBytes / o.arch.pageBytes),
    imageParams: {
      profile: img.profile,
      fractions: img.fractions,
      mean_run_pages: img.meanRunPages,
      coarsening: img.coarsening,
      pages: img.totalPages,
      max_pfn: img.maxPfn,
      runs: img.runCount,
      loads: img.loads,
      counts: img.counts,
      mem_map: img.memMap,
      memory_model: img.memoryModel,
      crash_cpus: crashCpus,
    },
  };
}
