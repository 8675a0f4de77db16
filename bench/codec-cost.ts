/**
 * Part of `npm run bench` (alone: `npx tsx bench/codec-cost.ts`): the CPU cost of result codecs per replay and per stored result, beside the plain
 * path. An `idempotent` handler on `MemoryStore` (no network: what is left is the engine's and the codec's own work)
 * replays one stored result many times; `process.cpuUsage()` gives CPU microseconds per call. The result is a
 * payment-like object of about 1 KB with a Date and a nested list. KMS adds its own round trip per call (not measured here).
 * Then the bundle size of a handler that imports each codec, beside one that does not.
 */
import { randomBytes } from 'node:crypto';
import { idempotent, type ResultCodec } from 'lambda-idempotency';
import { composeCodecs, redactResults, typedCodec } from 'lambda-idempotency/codecs';
import { encryptResults, localKeyProvider } from 'lambda-idempotency/encryption';
import { MemoryStore } from 'lambda-idempotency/testing';
import { bundleSize, HANDLERS } from '../scripts/size';
import { table } from './markdown';

const RESULT = {
  id: 'pay_1',
  amount: 1999,
  currency: 'EUR',
  at: new Date('2026-12-05T08:00:00Z'),
  card: { brand: 'visa', number: '4242424242424242', expiry: '12/30' },
  lines: Array.from({ length: 12 }, (_, i) => ({ sku: `sku-${i}`, quantity: i + 1, price: 100 * i, description: 'a line of the order' })),
};
const keys = localKeyProvider({ keys: { k1: randomBytes(32) }, currentKeyId: 'k1' });
const CODECS: Record<string, ResultCodec | undefined> = {
  'plain (no codec)': undefined,
  typedCodec: typedCodec(),
  redactResults: redactResults({ paths: ['card.number'] }),
  'encryptResults (local key provider)': encryptResults({ keyProvider: keys }),
  'typedCodec + encryptResults': composeCodecs(typedCodec(), encryptResults({ keyProvider: keys })),
};
const REPLAYS = 10_000;
const STORES = 2_000;
const context = { getRemainingTimeInMillis: () => 10_000 } as never;
const quiet = { warn: () => undefined };

const cpuMicros = async (times: number, call: (i: number) => Promise<unknown>) => {
  for (let i = 0; i < 500; i++) await call(i); // warm up
  const start = process.cpuUsage();
  for (let i = 0; i < times; i++) await call(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / times;
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * The codecs' cost as two Markdown tables (CPU per call, then bundle bytes). Five rounds, the codecs interleaved in
 * each, so the JIT's warm-up and the machine's noise fall on all alike; the median of each.
 */
export async function measureCodecCost(): Promise<string> {
  const handlers = Object.entries(CODECS).map(([name, codec]) => ({
    name,
    handler: idempotent(async (event: { id: string }) => ({ ...RESULT, id: event.id }), {
      store: new MemoryStore(),
      key: (event) => event.id,
      codec,
      logger: quiet,
      metrics: false,
    }),
    replays: [] as number[],
    stores: [] as number[],
  }));
  for (let round = 0; round < 5; round++) {
    for (const entry of handlers) {
      await entry.handler({ id: 'replayed' }, context);
      entry.replays.push(await cpuMicros(REPLAYS, () => entry.handler({ id: 'replayed' }, context)));
      entry.stores.push(await cpuMicros(STORES, (i) => entry.handler({ id: `new-${round}-${i}` }, context)));
    }
  }
  const cpu = table(
    ['codec', 'CPU µs per replay', 'CPU µs per stored result (first run)'],
    handlers.map(({ name, replays, stores }) => [name, median(replays).toFixed(1), median(stores).toFixed(1)]),
  );
  const sizes: string[][] = [];
  for (const [name, source] of Object.entries(BUNDLES)) {
    const size = await bundleSize(source, `${__dirname}/..`);
    sizes.push([name, `${size.minified} B`, `${size.gzip} B`]);
  }
  return `${cpu}\n\n${table(['bundle', 'minified', 'gzip'], sizes)}`;
}

/** A user's handler that imports a codec, beside one that does not (`npm run size`'s first handler). */
const BASE = HANDLERS['idempotent + DynamoDbStore'];
const using = (imports: string, codec: string) =>
  BASE.replace('export const handler', `${imports}\nexport const codec = ${codec};\nexport const handler`);
const BUNDLES: Record<string, string> = {
  '`idempotent` + `DynamoDbStore`': BASE,
  '+ `typedCodec`': using("import { typedCodec } from 'lambda-idempotency/codecs';", 'typedCodec()'),
  '+ `encryptResults` + `localKeyProvider`': using(
    "import { encryptResults, localKeyProvider } from 'lambda-idempotency/encryption';",
    "encryptResults({ keyProvider: localKeyProvider({ keys: { k: process.env.KEY }, currentKeyId: 'k' }) })",
  ),
  '+ `encryptResults` + `kmsKeyProvider` (KMS client external)': using(
    "import { encryptResults } from 'lambda-idempotency/encryption';\nimport { kmsKeyProvider } from 'lambda-idempotency/kms';",
    "encryptResults({ keyProvider: kmsKeyProvider({ keyId: 'alias/results' }) })",
  ),
  '+ `idempotentFunction`': using("import { idempotentFunction } from 'lambda-idempotency';", 'idempotentFunction'),
};

if (require.main === module) void measureCodecCost().then((tables) => console.log(tables));
