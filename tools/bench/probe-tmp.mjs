import { x86_64 } from '@kmemsim/arch-x86_64';
import { buildImage } from '@kmemsim/vmcore';
import { writeImageVmcore } from '@kmemsim/vmcore/node';
const [mib, model, out] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const img = buildImage({ arch: x86_64, memBytes: mib * 2 ** 20, profile: 'busy-server', seed: 1, memoryModel: model });
const w = writeImageVmcore(img, out, { cpus: 1 });
console.log(JSON.stringify(w.segments), w.layout.kernelDataPfn, w.layout.memSectionRoot, w.layout.sectionPages, w.layout.pages);
console.log(w.vmcoreinfo);
