// Every charged cycle carries a kernel symbol and a class. Symbols are interned to small integers so the
// hot path (Thread.spend) is two array adds.
export type SymbolClass = 'user' | 'sys' | 'idle';
export type SymbolId = number;

const CLASS_CODE: Record<SymbolClass, number> = { user: 0, sys: 1, idle: 2 };
const CLASS_NAME: SymbolClass[] = ['user', 'sys', 'idle'];

export interface SymbolInfo {
  name: string;
  cls: SymbolClass;
  /** Size of the function in bytes (System.map), used for readprofile's load column; 0 if unknown. */
  sizeBytes: number;
}

export interface ProfileEntry {
  symbol: string;
  cls: SymbolClass;
  cycles: number;
}

export class Profiler {
  private readonly ids = new Map<string, SymbolId>();
  private readonly names: string[] = [];
  private sizes: number[] = [];
  /** Class code per symbol (0 user, 1 sys, 2 idle). */
  cls = new Uint8Array(64);
  /** Cycles charged per symbol, all CPUs together. */
  cycles = new Float64Array(64);

  /** Interns a symbol. A later call may set a size that was unknown; the class is fixed by the first call. */
  sym(name: string, cls: SymbolClass = 'sys', sizeBytes = 0): SymbolId {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      if (id === this.cycles.length) this.grow();
      this.ids.set(name, id);
      this.names.push(name);
      this.sizes.push(sizeBytes);
      this.cls[id] = CLASS_CODE[cls];
    } else if (sizeBytes && !this.sizes[id]) {
      this.sizes[id] = sizeBytes;
    }
    return id;
  }

  private grow(): void {
    const c = new Float64Array(this.cycles.length * 2);
    c.set(this.cycles);
    this.cycles = c;
    const k = new Uint8Array(this.cls.length * 2);
    k.set(this.cls);
    this.cls = k;
  }

  add(id: SymbolId, cycles: number): void {
    this.cycles[id] += cycles;
  }

  info(id: SymbolId): SymbolInfo {
    return { name: this.names[id], cls: CLASS_NAME[this.cls[id]], sizeBytes: this.sizes[id] };
  }

  sizeOf(name: string): number {
    const id = this.ids.get(name);
    return id === undefined ? 0 : this.sizes[id];
  }

  cyclesOf(name: string): number {
    const id = this.ids.get(name);
    return id === undefined ? 0 : this.cycles[id];
  }

  /** Total cycles per class over every symbol. */
  totals(): Record<SymbolClass, number> {
    const t = { user: 0, sys: 0, idle: 0 };
    for (let i = 0; i < this.names.length; i++) t[CLASS_NAME[this.cls[i]]] += this.cycles[i];
    return t;
  }

  /** Symbols with cycles > 0, most cycles first (ties by name, for stable output). */
  entries(filter?: (e: ProfileEntry) => boolean): ProfileEntry[] {
    const out: ProfileEntry[] = [];
    for (let i = 0; i < this.names.length; i++) {
      if (this.cycles[i] <= 0) continue;
      const e = { symbol: this.names[i], cls: CLASS_NAME[this.cls[i]], cycles: this.cycles[i] };
      if (!filter || filter(e)) out.push(e);
    }
    return out.sort((a, b) => b.cycles - a.cycles || (a.symbol < b.symbol ? -1 : 1));
  }
}
