import type { Choices } from './choices';

/** The virtual epoch: far in the future, so DynamoDB Local's own TTL sweep never meets a simulated record. */
export const VIRTUAL_EPOCH_MS = 4_000_000_000_000;

/** Something that runs and can be stopped by the simulation: an invocation, or the TTL sweeper. */
export interface Actor {
  readonly name: string;
  /** Stopped for good: its pending steps are dropped and its promises never settle (no release, no completion). */
  crashed: boolean;
}

/** One scheduling point: an actor blocked until the scheduler picks this step. */
interface Step {
  readonly actor: Actor | undefined;
  readonly label: string;
  /** Virtual time (ms) it may run at: a timer; `undefined`: a call, ready now. */
  readonly at: number | undefined;
  readonly perform: () => Promise<void>;
}

/**
 * A discrete-event scheduler on a virtual clock. Actors block on `call` (a store call, a downstream call)
 * and `timer` (a sleep, an arrival); the scheduler waits until every actor is blocked, then lets the
 * `choices` pick one ready call or the earliest timer. Nothing else runs in between, so a run is a
 * function of its choices.
 */
export class Scheduler {
  /** The global virtual time, in epoch ms; each actor reads it through its own skew. */
  now = VIRTUAL_EPOCH_MS;
  /** One line per step taken, for a failure's printout. */
  readonly trace: string[] = [];
  private pending: Step[] = [];
  private steps = 0;

  constructor(
    readonly choices: Choices,
    private readonly maxLatencyMs: number,
  ) {}

  /** Blocks `actor` until this call is picked; `perform` then runs it and settles what the actor awaits. */
  call(actor: Actor | undefined, label: string, perform: () => Promise<void>): void {
    this.pending.push({ actor, label, at: undefined, perform });
  }

  /** Runs `perform` once the virtual clock reaches `at` (ms). Returns the cancel: the timer then never runs nor moves the clock. */
  timer(actor: Actor | undefined, label: string, at: number, perform: () => Promise<void>): () => void {
    // Whole milliseconds, as Date.now and Lambda's remaining time are (a jittered sleep is not).
    const step: Step = { actor, label, at: Math.ceil(at), perform };
    this.pending.push(step);
    return () => {
      const index = this.pending.indexOf(step);
      if (index >= 0) this.pending.splice(index, 1);
    };
  }

  /** Notes an event in the trace, at the current virtual time. */
  note(line: string): void {
    this.trace.push(`${String(this.now - VIRTUAL_EPOCH_MS).padStart(6)} ms  ${line}`);
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** Whether anything is left to run (crashed actors' steps are not). */
  get idle(): boolean {
    this.pending = this.pending.filter((step) => !step.actor?.crashed);
    return this.pending.length === 0;
  }

  /**
   * Runs steps until none is left or `maxSteps` were taken, calling `afterStep` once every actor is blocked
   * again after each one (where the invariants are checked). Throws what `afterStep` throws.
   */
  async run(afterStep: () => Promise<void>, maxSteps: number): Promise<void> {
    await settle();
    while (!this.idle && this.steps < maxSteps) {
      const step = this.pick();
      this.steps++;
      if (step.at === undefined) this.now += this.choices.int(this.maxLatencyMs + 1);
      else this.now = Math.max(this.now, step.at);
      await step.perform();
      await settle();
      await afterStep();
    }
  }

  /** A ready call, or the earliest timer: each call and that timer are equally likely; 0 is the oldest call. */
  private pick(): Step {
    const calls = this.pending.filter((step) => step.at === undefined);
    const timers = this.pending.filter((step) => step.at !== undefined);
    const earliest = timers.reduce<Step | undefined>(
      (first, step) => (first === undefined || step.at! < first.at! ? step : first),
      undefined,
    );
    const eligible = earliest ? [...calls, earliest] : calls;
    const step = eligible[this.choices.int(eligible.length)]!;
    this.pending.splice(this.pending.indexOf(step), 1);
    return step;
  }
}

/**
 * Lets every promise continuation run: the engine and the memory store only chain promises, so once the
 * microtask queue is empty each actor is blocked on a step. Real stores are awaited inside `perform`.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
