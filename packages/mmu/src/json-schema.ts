// The arch-profile JSON Schema for plugin authors (editor completion and checks for JSON plugin files, a reference
// with every field's meaning, unit and range). Generated from ArchProfileSchema, shipped as
// schema/arch-profile.schema.json (a test keeps the file equal to this).
import { z } from 'zod';
import { ArchProfileSchema } from './schema.js';

/** `$id` of the arch-profile JSON Schema (shipped as `@kmemsim/mmu/schema/arch-profile.schema.json`). */
export const ARCH_PROFILE_SCHEMA_ID = 'https://kmemsim.dev/schema/arch-profile@1.json';

/** JSON Schema (draft 2020-12) of an arch profile. Unknown fields are not allowed (additionalProperties: false). */
export function archProfileJsonSchema(): Record<string, unknown> {
  return {
    $id: ARCH_PROFILE_SCHEMA_ID,
    title: 'kmemsim arch profile',
    ...(z.toJSONSchema(ArchProfileSchema, { unrepresentable: 'any' }) as Record<string, unknown>),
  };
}
