/**
 * The example's live source: one point every `periodMs` (a slow sine, a faster ripple, a little noise and a
 * spike of +6 for 9 points in every 700), buffered until the consumer takes them as one chunk.
 */
export class SyntheticStream {
  private pending: number[] = [];
  private t = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(periodMs: number) {
    this.timer = setInterval(() => {
      const t = ++this.t;
      const spike = t % 700 > 690 ? 6 : 0;
      this.pending.push(Math.sin(t / 25) + 0.3 * Math.sin(t / 7) + 0.1 * (Math.random() - 0.5) + spike);
    }, periodMs);
  }

  /** Chunks of the points that arrived since the last one, every `everyMs`, until `signal` aborts. */
  async *chunks(everyMs: number, signal: AbortSignal): AsyncGenerator<Float64Array> {
    while (!signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, everyMs));
      if (this.pending.length === 0) continue;
      const chunk = Float64Array.from(this.pending);
      this.pending = [];
      yield chunk;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
