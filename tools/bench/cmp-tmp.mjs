import { x86_64 } from '@kmemsim/arch-x86_64';
import { buildImage, predictVmcoreSyscalls } from '@kmemsim/vmcore';
import { writeImageVmcore, runRealMakedumpfile, readVmcoreFile } from '@kmemsim/vmcore/node';
import { simulateSpec } from '@kmemsim/vmcore';
const [mib, model, profile, seed, cpus] = [Number(process.argv[2]), process.argv[3], process.argv[4] ?? 'busy-server', Number(process.argv[5] ?? 1), Number(process.argv[6] ?? 1)];
const runs = JSON.parse(process.argv[7] ?? '[{"dumpLevel":31,"mmap":true},{"dumpLevel":31,"mmap":false},{"dumpLevel":0,"mmap":true},{"dumpLevel":4,"mmap":false}]');
const img = buildImage({ arch: x86_64, memBytes: mib * 2 ** 20, profile, seed, memoryModel: model });
const path = '/tmp/prof/cmp.vmcore';
writeImageVmcore(img, path, { cpus });
const file = readVmcoreFile(path);
console.log('image', file.memMap.model, file.memMap.sections, file.memMap.regions.length);
for (const r of runs) {
  const real = await runRealMakedumpfile(path, r);
  const m = predictVmcoreSyscalls(img, { version: '1.7.2', access: r.mmap ? 'mmap' : 'read', dumpLevel: r.dumpLevel, crashCpus: cpus, format: r.elf ? 'elf' : 'kdump', cyclicBufferBytes: r.cyclicBufferKiB && r.cyclicBufferKiB * 1024 });
  const o = real.syscalls;
  const f = simulateSpec(file.spec, { version: '1.7.2', access: r.mmap ? 'mmap' : 'read', dumpLevel: r.dumpLevel, format: r.elf ? 'elf' : 'kdump', cyclicBufferBytes: r.cyclicBufferKiB && r.cyclicBufferKiB * 1024 }).vmcore;
  console.log(['mmap','munmap','read','lseek'].every(k => o[k] === f[k]) ? 'IMG OK' : 'IMG DIFF', JSON.stringify({mmap:f.mmap,munmap:f.munmap,read:f.read,lseek:f.lseek}));
  const ok = ['mmap','munmap','read','lseek'].every(k => o[k] === m[k]);
  console.log(ok ? 'OK  ' : 'DIFF', JSON.stringify(r), 'real', JSON.stringify({mmap:o.mmap,munmap:o.munmap,read:o.read,lseek:o.lseek}), 'model', JSON.stringify(m));
}
