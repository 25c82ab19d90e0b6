// A least-recently-used cache bounded by bytes, not entries: decoded images differ in size and
// the budget is memory. A Map keeps insertion order, so re-inserting on access marks recency.

export class ByteLru<K, V extends { byteLength: number }> {
  private readonly entries = new Map<K, V>();
  private used = 0;

  constructor(readonly budgetBytes: number) {}

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    if (value.byteLength > this.budgetBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.used -= old.byteLength;
      this.entries.delete(key);
    }
    this.entries.set(key, value);
    this.used += value.byteLength;
    for (const [k, v] of this.entries) {
      if (this.used <= this.budgetBytes) break;
      this.entries.delete(k);
      this.used -= v.byteLength;
    }
  }
}
