/**
 * Item numbers `0..n-1` by a string key and a small group number (keys of different groups never match):
 * an open-addressing hash table sized once from the number of items. A Map over 100,000s of names took
 * ~28 bytes a key and grew by doubling, every old table becoming garbage.
 */
export class KeyTable {
  /** Item + 1 of the first item added with a key; 0 for an empty slot. Half full at most. */
  readonly #table: Int32Array;
  readonly #mask: number;
  /** By item: the key and group it was added with (first items of their key only). */
  readonly #keys: (string | undefined)[];
  readonly #groups: Uint8Array;
  /**
   * Per table, at random: names come from untrusted files, and with a hash anyone can compute, names made to
   * collide would make every lookup a long probe (V8's Maps seed their hash for the same reason).
   */
  readonly #seed = (Math.random() * 0x1_0000_0000) >>> 0;

  /** A table for items `0..items-1`. */
  constructor(items: number) {
    let size = 16;
    while (size < items * 2) size *= 2;
    this.#table = new Int32Array(size);
    this.#mask = size - 1;
    this.#keys = new Array<string | undefined>(items).fill(undefined);
    this.#groups = new Uint8Array(items);
  }

  /** Adds `item` under the key (group 0..255), unless an item has the key already: returns that one, or -1. */
  add(group: number, key: string, item: number): number {
    // More items than it was made for could fill the table, and a full table's probe would never end.
    if (!(item >= 0 && item < this.#groups.length))
      throw new RangeError(`KeyTable: item ${item} out of range`);
    const slot = this.#slot(group, key);
    const at = this.#table[slot]!;
    if (at > 0) return at - 1;
    this.#table[slot] = item + 1;
    this.#keys[item] = key;
    this.#groups[item] = group;
    return -1;
  }

  /** The first item added under the key, or -1. */
  find(group: number, key: string): number {
    return this.#table[this.#slot(group, key)]! - 1;
  }

  /** The key `item` was added with, or undefined when it was not added (or another item had its key). */
  keyOf(item: number): string | undefined {
    return this.#keys[item];
  }

  /** The slot holding the key, or the empty slot where it goes (linear probing). */
  #slot(group: number, key: string): number {
    let slot = hash(this.#seed, group, key) & this.#mask;
    for (;;) {
      const at = this.#table[slot]!;
      if (at === 0 || (this.#groups[at - 1] === group && this.#keys[at - 1] === key)) return slot;
      slot = (slot + 1) & this.#mask;
    }
  }
}

/** FNV-1a from a seeded basis over the group and the key's UTF-16 units. */
function hash(seed: number, group: number, key: string): number {
  let h = Math.imul(0x811c9dc5 ^ seed, 0x01000193) ^ group;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
