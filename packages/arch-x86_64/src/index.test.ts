import { testArch } from '@kmemsim/mmu/testing';
import * as arch from './index.js';

for (const profile of new Set(Object.values(arch))) testArch(profile);
