// Metrics leave the trainer in batches: at most one message per interval (50 ms: ~20 a
// second), never one message per scalar.
export class Batcher<T> {
  private pending: T[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly flushTo: (items: T[]) => void,
    private readonly intervalMs = 50,
  ) {}

  push(item: T): void {
    this.pending.push(item);
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    this.flushTo(items);
  }
}
