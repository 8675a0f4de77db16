import { Choices } from './choices';
import { memoryTargetsLike } from './memory-target';
import { simulate } from './simulate';
import type { TargetFactory } from './target';

/** A seed on which a real engine broke an invariant, or behaved otherwise than the memory store. */
export interface EngineDifference {
  readonly seed: number;
  readonly report: string;
}

/** What a comparison did. */
export interface Comparison {
  readonly seedsRun: number;
  readonly elapsedMs: number;
  readonly differences: readonly EngineDifference[];
}

/**
 * Runs each seed on the real engine and on the memory store, with the same namespace (so the same record
 * ids): every invariant must hold on the real one, and its schedule must be the memory store's step for
 * step. A store whose semantics differ (a condition, a retried write, an expiry) makes the traces part.
 */
export async function compareWithMemory(factory: TargetFactory, seeds: number, from = 1, forMs?: number): Promise<Comparison> {
  const started = Date.now();
  const differences: EngineDifference[] = [];
  let seedsRun = 0;
  for (let seed = from; seed < from + seeds; seed++) {
    if (forMs !== undefined && Date.now() - started >= forMs) break;
    const real = await factory.open(`s${seed}`);
    const memory = await memoryTargetsLike({ atomicCompletion: real.atomicCompletion }).open(`s${seed}`);
    const onReal = await simulate(Choices.seeded(seed), real);
    const onMemory = await simulate(Choices.seeded(seed), memory);
    seedsRun++;
    if (onReal.violation) {
      differences.push({ seed, report: `${factory.kind} seed ${seed}: ${onReal.violation.message}\n${onReal.trace.join('\n')}` });
      continue;
    }
    const at = onReal.trace.findIndex((line, index) => line !== onMemory.trace[index]);
    if (at >= 0 || onReal.trace.length !== onMemory.trace.length) {
      const line = at >= 0 ? at : Math.min(onReal.trace.length, onMemory.trace.length);
      differences.push({
        seed,
        report: [
          `${factory.kind} seed ${seed} parts from the memory store at step line ${line}:`,
          `  ${factory.kind}: ${onReal.trace[line] ?? '(end)'}`,
          `  memory: ${onMemory.trace[line] ?? '(end)'}`,
          ...onReal.trace.slice(0, line + 1),
        ].join('\n'),
      });
    }
  }
  return { seedsRun, elapsedMs: Date.now() - started, differences };
}
