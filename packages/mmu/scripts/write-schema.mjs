// Regenerates schema/arch-profile.schema.json from the zod schema (run after tsup). A test keeps them equal.
import { writeFileSync } from 'node:fs';
import { archProfileJsonSchema } from '../dist/index.js';

writeFileSync(
  new URL('../schema/arch-profile.schema.json', import.meta.url),
  `${JSON.stringify(archProfileJsonSchema(), null, 2)}\n`,
);
