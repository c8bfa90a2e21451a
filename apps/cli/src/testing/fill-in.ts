// Tests only: what a plugin author does to the `kmemsim arch init` starter, every TODO replaced, here with the
// values of an existing profile at the same dot paths.
export function fillIn(text: string, from: Record<string, unknown>): string {
  const path: string[] = [];
  const at = (key: string) =>
    [...path, key].reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], from);
  return text
    .split('\n')
    .map((line) => {
      const open = /^\s*'?([\w-]+)'?: \{$/.exec(line);
      if (open) path.push(open[1]);
      if (/^\s*\},?$/.test(line)) path.pop();
      const leaf = /^(\s*)'?([\w-]+)'?: (\[TODO, 'TODO: source'\]|null \/\* TODO[^*]*\*\/|'' \/\* TODO \*\/),$/.exec(
        line,
      );
      if (!leaf) return line;
      const v = at(leaf[2]);
      const value = typeof v === 'number' ? `[${v}, 'copied for the test']` : JSON.stringify(v);
      return `${leaf[1]}${leaf[2]}: ${value},`;
    })
    .join('\n');
}
