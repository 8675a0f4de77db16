// The package's root entry, `lambda-idempotency`: wrappers, errors and types. It loads no AWS SDK
// (stores live in their own entries: `lambda-idempotency/dynamodb`, `lambda-idempotency/testing`).
export { idempotent } from './sources/idempotent';
export { idempotentFunction } from './sources/idempotent-function';
export type { FunctionCallOutcome, IdempotentFunction, IdempotentFunctionOptions } from './sources/idempotent-function';
export type { ResultCodec, ResultCodecContext } from './core/codec-port';
export type { IdempotentHandler, IdempotentOptions } from './sources/idempotent';
export type { MissingKeyPolicy } from './core/event-key';
export type { IdempotencyContext } from './core/outcome';
export type { BusinessWrite, ConditionFailureRule, WriteConditionFailure, WriteOptions } from './core/business-write';
export type { EngineOptions } from './core/options';
export type { IdempotencyLogger, MetricsOptions } from './core/telemetry';
export type {
  ClaimRequest,
  ClaimResult,
  CompleteRequest,
  EncodedResult,
  IdempotencyRecord,
  IdempotencyStore,
  AtomicCompletionResult,
  PendingWrite,
} from './core/store';
export {
  ErrorCode,
  hasErrorCode,
  IdempotencyError,
  IdempotencyInProgressError,
  IdempotencyKeyInvalidError,
  IdempotencyKeyMissingError,
  IdempotencyPayloadMismatchError,
  IdempotencyResultUnavailableError,
  IdempotencyStoreError,
  IdempotencyWriteConditionError,
  IdempotencyWriteInvalidError,
  IdempotencyLeaseLostError,
  IdempotencyResultUndecodableError,
  IdempotencyStepInvalidError,
} from './errors';
export type { IdempotencyErrorCode } from './errors';
export { idempotentHttp } from './http/idempotent-http';
export type { IdempotentHttpHandler, IdempotentHttpOptions } from './http/idempotent-http';
export type { ApiGatewayEvent, ApiGatewayResult } from './http/http-event';
export { DEFAULT_REPLAYED_HEADERS, isFinalStatus, RELEASED_CLIENT_ERRORS } from './http/http-response';
export { principalOf } from './http/principal';
export { DEFAULT_PROBLEM_TYPE_BASE, problemResponse, ProblemType } from './http/problem';
export type { HttpResponse, Problem } from './http/problem';
export { OPERATION_ENV, PARTITION_KEY, TABLE_NAME_ENV, TTL_ATTRIBUTE } from './schema';
export type { TableLayoutOptions } from './table-layout';
export { idempotentSqs } from './sources/idempotent-sqs';
export type { IdempotentSqsOptions, SqsRecordHandler } from './sources/idempotent-sqs';
export { MetricName } from './core/telemetry';
export { idempotentWebhook } from './webhook/idempotent-webhook';
export type { IdempotentWebhookHandler } from './webhook/idempotent-webhook';
export type { IdempotentWebhookOptions } from './webhook/webhook-options';
export { WebhookProblemType } from './webhook/webhook-problem';
export { DEFAULT_SIGNATURE_HEADER, signWebhookPayload, verifyWebhookSignature } from './webhook/webhook-signature';
export type { SignatureCheck, SignatureVerification } from './webhook/webhook-signature';
export { idempotentMiddleware } from './middy/idempotent-middleware';
export type { IdempotentMiddlewareOptions } from './middy/idempotent-middleware';
export { idempotencyOf } from './middy/context-idempotency';
export type { ContextWithIdempotency } from './middy/context-idempotency';
export type { MiddyMiddleware, MiddyRequest } from './middy/middy-request';
