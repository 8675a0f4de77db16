import type { RedisClientLike } from '../../lib/idempotency/redis';

/** The client methods the store may call, by client kind; each call is one command, one round trip. */
const COMMANDS = new Set(['evalSha', 'eval', 'hGetAll', 'evalsha', 'hgetall']);

/**
 * Wraps a real client so every command the store sends is counted (`evalsha: 1`), names folded to lower
 * case so both clients count alike. The commands still go to the server.
 */
export function countCommands<C extends RedisClientLike>(client: C) {
  const counts: Record<string, number> = {};
  const counted = new Proxy(client, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof property !== 'string' || !COMMANDS.has(property) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const name = property.toLowerCase();
        counts[name] = (counts[name] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    client: counted,
    /** Commands since the last `reset()`, by name. */
    get counts(): Readonly<Record<string, number>> {
      return { ...counts };
    },
    total: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    reset(): void {
      for (const name of Object.keys(counts)) delete counts[name];
    },
  };
}
