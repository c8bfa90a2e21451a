import { x86_64 } from '@kmemsim/arch-x86_64';
import { buildImage } from '@kmemsim/vmcore';
import { writeImageVmcore, runRealMakedumpfile } from '@kmemsim/vmcore/node';
for (const model of ['flat', 'sparse']) {
  const img = buildImage({ arch: x86_64, memBytes: 320 * 2 ** 20, profile: 'idle-guest', seed: 4, memoryModel: model });
  const w = writeImageVmcore(img, '/tmp/prof/z.vmcore', { cpus: 3 });
  const r = await runRealMakedumpfile('/tmp/prof/z.vmcore', { dumpLevel: 1, mmap: true });
  console.log(model, 'planted zero', w.planted.zero, 'zeroKernel', w.zeroKernelPages, 'excluded zero', r.report.excluded.zero, 'layout pages', w.layout.pages, w.layout.memSectionRoot, w.layout.sectionPages, w.layout.sectionPageCount);
}
