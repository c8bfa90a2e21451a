// Placeholder until the vmcore issue lands: the package is part of the workspace build from the start.
export const packageName = '@kmemsim/vmcore';
