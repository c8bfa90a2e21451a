// Regenerates schema/result.schema.json from the zod schema (run after `pnpm build`). A test keeps them equal.
import { writeFileSync } from 'node:fs';
import { resultJsonSchema } from '../dist/index.js';

writeFileSync(
  new URL('../schema/result.schema.json', import.meta.url),
  `${JSON.stringify(resultJsonSchema(), null, 2)}\n`,
);
