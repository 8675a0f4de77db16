import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';

/**
 * Powertools' settings in every timed run and in its bundle: as its documentation shows for API Gateway,
 * and as close to this toolkit's defaults as it allows: a request without a key is an error (not run
 * unprotected), and records are kept 24 h (Powertools' default is 1 h).
 */
export function powertoolsConfig(useLocalCache = false): IdempotencyConfig {
  return new IdempotencyConfig({
    eventKeyJmesPath: 'headers."idempotency-key"',
    payloadValidationJmesPath: 'body',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: 86_400,
    useLocalCache,
  });
}
