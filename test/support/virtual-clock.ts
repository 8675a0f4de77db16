import type { IdempotencyStore } from '../../lib/idempotency/core/store';

// 2100-01-01: DynamoDB Local sweeps expired items by its own clock, so records dated in the future stay put.
const START = 4_102_444_800_000;

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly wake: () => void;
}

/**
 * Time that passes only when a test says so: `now` and `sleep` are what the engine's options take, and
 * `advance(ms)` lets time pass, waking every sleeper in time order. Between wake-ups it waits until the store
 * calls it tracks (`track(store)`) have answered, so a renewal sent to a real server lands before the clock
 * moves on: time jumps, order stays what it would be in real time, and no assertion depends on real time.
 */
export class VirtualClock {
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];
  private inFlight = 0;
  /** Store calls made through tracked stores, by method name. */
  readonly calls: Record<string, number> = {};

  constructor(start = START) {
    this.current = start;
  }

  /** The engine's `now` option. */
  readonly now = (): number => this.current;

  /** The engine's `sleep` option: wakes when the clock reaches `now + ms`, or at once when `signal` aborts. */
  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        resolve();
      };
      const timer: Timer = {
        at: this.current + Math.max(0, ms),
        seq: this.seq++,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  /** Sleepers still waiting (a kept lease's next renewal, say). */
  get sleepers(): number {
    return this.timers.length;
  }

  /** Lets `ms` pass, waking each sleeper due on the way in time order and letting what it starts finish first. */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (;;) {
      await this.quiet();
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.wake();
    }
    this.current = end;
    await this.quiet();
  }

  /** `store`, with each call counted and awaited by `advance`. */
  track<S extends IdempotencyStore>(store: S): S {
    return new Proxy(store, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        return (...args: unknown[]) => {
          this.calls[property] = (this.calls[property] ?? 0) + 1;
          this.inFlight++;
          const settle = () => void this.inFlight--;
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (result instanceof Promise) return result.finally(settle);
          settle();
          return result;
        };
      },
    });
  }

  /** Until no tracked call is in flight for a few turns of the event loop (microtasks drain before each turn). */
  private async quiet(): Promise<void> {
    for (let calm = 0; calm < 3; ) {
      await new Promise((resolve) => setImmediate(resolve));
      calm = this.inFlight === 0 ? calm + 1 : 0;
    }
  }
}
