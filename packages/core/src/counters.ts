// Named, described event counters. Dotted names nest in JSON output: "syscalls.mmap" → { syscalls: { mmap } }.
/** One event counter as listed by {@link Counters.list}. */
export interface CounterInfo {
  /** Dotted counter name (`syscalls.mmap`); each dot is one level of nesting in the JSON output. */
  name: string;
  /** What the counter counts, in words (empty when its first user gave none). */
  description: string;
  /** Events counted so far. */
  value: number;
}

/**
 * Named, described event counters of one engine (`engine.counters`). Hot paths keep the numeric id from
 * {@link Counters.id} and call {@link Counters.add}; cold paths use {@link Counters.bump} by name.
 * @example
 * ```ts
 * const id = engine.counters.id('tlb_flush_global', 'flush_tlb_all calls');
 * engine.counters.add(id);
 * engine.counters.get('tlb_flush_global'); // 1
 * ```
 */
export class Counters {
  private readonly names: string[] = [];
  private readonly descriptions: string[] = [];
  private readonly byName = new Map<string, number>();
  /** Counter values indexed by id (read-only for users; written by add/bump). */
  values: number[] = [];
  /** Optional observer of every change (timelines' counter tracks); undefined on the fast path. */
  watch: ((id: number, value: number) => void) | undefined = undefined;

  /** Returns the id of a counter, defining it on first use. Hot paths keep the id. */
  id(name: string, description = ''): number {
    let id = this.byName.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.byName.set(name, id);
      this.names.push(name);
      this.descriptions.push(description);
      this.values.push(0);
    } else if (description && !this.descriptions[id]) {
      this.descriptions[id] = description;
    }
    return id;
  }

  /** Adds `n` (default 1) to the counter with this id; the hot-path form. */
  add(id: number, n = 1): void {
    this.values[id] += n;
    if (this.watch !== undefined) this.watch(id, this.values[id]);
  }

  /** Adds by name (defining the counter if needed); for cold paths. */
  bump(name: string, n = 1, description = ''): void {
    this.add(this.id(name, description), n);
  }

  /** The name of counter `id`. */
  nameOf(id: number): string {
    return this.names[id];
  }

  /** The value of a counter by name; 0 for a counter never defined. */
  get(name: string): number {
    const id = this.byName.get(name);
    return id === undefined ? 0 : this.values[id];
  }

  /** Every counter with its description and value, in definition order. */
  list(): CounterInfo[] {
    return this.names.map((name, i) => ({ name, description: this.descriptions[i], value: this.values[i] }));
  }

  /** Nested object of every counter, keys sorted for stable output. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const order = this.names.map((_, i) => i).sort((a, b) => (this.names[a] < this.names[b] ? -1 : 1));
    for (const i of order) {
      const parts = this.names[i].split('.');
      let node = out;
      for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
      node[parts[parts.length - 1]] = this.values[i];
    }
    return out;
  }
}
