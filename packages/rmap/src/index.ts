// Placeholder until the rmap issue lands: the package is part of the workspace build from the start.
export const packageName = '@kmemsim/rmap';
