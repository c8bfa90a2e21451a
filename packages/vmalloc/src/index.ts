// Placeholder until the vmalloc issue lands: the package is part of the workspace build from the start.
export const packageName = '@kmemsim/vmalloc';
