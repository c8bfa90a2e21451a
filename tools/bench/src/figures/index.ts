// Every benchmark figure, in the order `pnpm bench` prints them. Each package adds its own file here.
import type { Figure } from '../figure.js';
import { cliFigures } from './cli.js';
import { engineFigures } from './engine.js';
import { highmemFigures } from './highmem.js';
import { rmapFigures } from './rmap.js';
import { vmallocFigures } from './vmalloc.js';
import { vmcoreFigures } from './vmcore.js';
import { vmcoreImageFigures } from './vmcore-image.js';

export const FIGURES: Figure[] = [
  ...engineFigures,
  ...cliFigures,
  ...highmemFigures,
  ...rmapFigures,
  ...vmallocFigures,
  ...vmcoreFigures,
  ...vmcoreImageFigures,
];
