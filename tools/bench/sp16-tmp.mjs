import { x86_64 } from '@kmemsim/arch-x86_64';
import { buildImage, simulateMakedumpfile } from '@kmemsim/vmcore';
const c0 = process.cpuUsage();
const image = buildImage({ arch: x86_64, memBytes: 16 * 2 ** 40, seed: 1, memoryModel: process.argv[2] });
const c1 = process.cpuUsage(c0);
const c = simulateMakedumpfile(image, { version: '1.7.2', access: 'mmap', dumpLevel: 31 });
const c2 = process.cpuUsage(c0);
console.log('build cpu', Math.round((c1.user + c1.system) / 1000), 'total cpu', Math.round((c2.user + c2.system) / 1000), JSON.stringify(c.vmcore).slice(0, 120), 'rss', Math.round(process.memoryUsage().rss / 2 ** 20));
