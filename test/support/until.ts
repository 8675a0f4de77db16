import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves once `condition` holds (polled every 5 ms); fails after `timeoutMs`, so a broken premise cannot hang a test. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${condition.toString()}`);
    await sleep(5);
  }
}
