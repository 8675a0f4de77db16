import { GRANT_OPTION_KEYS } from '../../lib/cdk/idempotency-grant';
import type { IdempotencyTableProps } from '../../lib/cdk/idempotency-table';
import { ENGINE_OPTION_KEYS } from '../../lib/idempotency/core/options';
import { HTTP_OPTION_KEYS } from '../../lib/idempotency/http/idempotent-http';
import { EVENT_OPTION_KEYS } from '../../lib/idempotency/core/event-options';
import { FUNCTION_OPTION_KEYS } from '../../lib/idempotency/sources/idempotent-function';
import { SQS_OPTION_KEYS } from '../../lib/idempotency/sources/idempotent-sqs';
import { KNOWN_OPTIONS as DYNAMODB_STORE_OPTIONS } from '../../lib/idempotency/stores/dynamodb-store';
import type { MemoryStoreOptions } from '../../lib/idempotency/stores/memory-store';
import { OPTION_NAMES as REDIS_STORE_OPTIONS } from '../../lib/idempotency/stores/redis-store';
import type { DynamoDbLocalOptions } from '../../lib/idempotency/testing/dynamodb-local';
import { TABLE_LAYOUT_OPTIONS } from '../../lib/idempotency/table-layout';
import { WEBHOOK_OPTION_KEYS } from '../../lib/idempotency/webhook/webhook-options';

/**
 * The names of an options type that has no key list in the code (nothing refuses an unknown key there):
 * the compiler holds the record to exactly the type's keys, so a key added or removed fails `tsc`.
 */
function keysOf<T>(keys: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(keys);
}

/**
 * What each section of docs/options.md documents, as the code accepts it: the key lists each wrapper's and
 * store's unknown-option refusal reads (`resolveEngineOptions(…, adapterKeys)`, `DynamoDbStore`'s and
 * `RedisStore`'s own lists), and, where nothing refuses unknown keys, the options type itself.
 * The one place that reads those lists: re-point it when they move.
 */
export function acceptedOptions(): ReadonlyMap<string, readonly string[]> {
  return new Map<string, readonly string[]>([
    ['Every wrapper', ENGINE_OPTION_KEYS],
    ['idempotent', EVENT_OPTION_KEYS],
    ['idempotentHttp', HTTP_OPTION_KEYS],
    ['idempotentSqs', SQS_OPTION_KEYS],
    ['idempotentWebhook', WEBHOOK_OPTION_KEYS],
    ['idempotentMiddleware', EVENT_OPTION_KEYS],
    ['idempotentFunction', FUNCTION_OPTION_KEYS],
    ['DynamoDbStore', [...DYNAMODB_STORE_OPTIONS]],
    ['tableLayout', TABLE_LAYOUT_OPTIONS],
    ['RedisStore', [...REDIS_STORE_OPTIONS]],
    ['MemoryStore', keysOf<MemoryStoreOptions>({ maxResultBytes: true, tables: true })],
    [
      'IdempotencyTable',
      keysOf<IdempotencyTableProps>({
        tableName: true,
        removalPolicy: true,
        pointInTimeRecovery: true,
        recoveryPeriodInDays: true,
        deletionProtection: true,
        replicas: true,
        multiRegionConsistency: true,
        witnessRegion: true,
        timeToLive: true,
      }),
    ],
    ['grantIdempotency', GRANT_OPTION_KEYS],
    ['startDynamoDbLocal', keysOf<DynamoDbLocalOptions>({ port: true, dbPath: true, timeoutMs: true, java: true })],
  ]);
}
