/**
 * A map from non-negative integer keys (section offsets, DIE keys) to non-negative integers, in two typed
 * arrays with open addressing. The DWARF reader does hundreds of thousands of such lookups per file (relocated
 * offsets, references to types); a `Map<number, number>` costs several times more per operation and leaves
 * garbage behind when it grows.
 */
export class IntMap {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  private shift: number;
  size = 0;

  constructor(expected = 16) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.keys = new Float64Array(cap).fill(-1);
    this.values = new Int32Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
  }

  private slot(key: number): number {
    // Fibonacci hashing: the top bits of key × 2^32/φ spread nearby keys (offsets) across the table.
    const lo = key % 0x1_0000_0000;
    const hi = (key - lo) / 0x1_0000_0000;
    return (Math.imul((lo | 0) ^ Math.imul(hi | 0, 0x85ebca6b), 0x9e3779b1) >>> this.shift) & this.mask;
  }

  /** The value for `key`, or -1. */
  get(key: number): number {
    const keys = this.keys;
    let i = this.slot(key);
    for (;;) {
      const k = keys[i]!;
      if (k === key) return this.values[i]!;
      if (k === -1) return -1;
      i = (i + 1) & this.mask;
    }
  }

  has(key: number): boolean {
    return this.get(key) !== -1;
  }

  /** Sets `key` (≥ 0) to `value` (≥ 0). */
  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    let i = this.slot(key);
    for (;;) {
      const k = keys[i]!;
      if (k === key) {
        this.values[i] = value;
        return;
      }
      if (k === -1) {
        keys[i] = key;
        this.values[i] = value;
        this.size++;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap).fill(-1);
    this.values = new Int32Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i]!;
      if (k !== -1) this.set(k, oldValues[i]!);
    }
  }
}
