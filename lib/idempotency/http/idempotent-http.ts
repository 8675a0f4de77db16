import type { Context } from 'aws-lambda';
import { IdempotencyEngine, type IdempotencyContext } from '../core/engine';
import { unprotected, type MissingKeyPolicy } from '../core/idempotent';
import { assertFunction, assertOneOf, assertUriPrefix, describe, resolveEngineOptions, type EngineOptions } from '../core/options';
import { ErrorCode, hasErrorCode, type IdempotencyInProgressError } from '../errors';
import { readRequest, type ApiGatewayEvent, type ApiGatewayResult } from './http-event';
import { DEFAULT_REPLAYED_HEADERS, isFinalStatus, normalizeResponse, replayResponse, storableResponse, type StoredResponse } from './http-response';
import { IDEMPOTENCY_KEY_HEADER, readKeyHeader } from './idempotency-key-header';
import { resolvePrincipal } from './principal';
import { DEFAULT_PROBLEM_TYPE_BASE, ProblemType, problemResponse, type HttpResponse } from './problem';
import { requestFingerprint } from './request-fingerprint';

/** Options of `idempotentHttp`. */
export interface IdempotentHttpOptions<TEvent extends ApiGatewayEvent = ApiGatewayEvent> extends EngineOptions {
  /**
   * The methods guarded by a key; every other method passes straight through, with or without one.
   * @default ['POST', 'PATCH']
   */
  readonly methods?: readonly string[];
  /**
   * A guarded request without `Idempotency-Key`: `'reject'` answers 400; `'run-without-idempotency'`
   * runs the handler unprotected.
   * @default 'reject'
   */
  readonly missingKey?: MissingKeyPolicy;
  /**
   * The caller a key belongs to; the same key from two callers never meets. Whatever it returns is
   * used as it is: `() => undefined` shares keys among all callers on purpose.
   * @default the caller `principalOf` reads (identity pool identity, JWT `sub` or `client_id`, Lambda
   * authorizer `principalId`, IAM ARN, client certificate, API key id); where an authorizer ran but
   * named no caller, the request is refused (500 `idempotency-scope-unresolved`, logged) rather than
   * run in a key space shared by every caller
   */
  readonly scope?: (event: TEvent) => string | undefined;
  /**
   * Whether a response is final (stored and replayed) or released so that a retry runs again.
   * @default `isFinalStatus`: 2xx, 3xx and outcome 4xx (402, 404, 410…) are final; 5xx and
   * 400, 401, 403, 408, 409, 413, 415, 422, 429 are released
   */
  readonly isFinalStatus?: (statusCode: number) => boolean;
  /**
   * Response headers stored and replayed (case-insensitive). `Set-Cookie` is never replayed.
   * @default content type, language, encoding, disposition and location, cache-control, etag, expires, last-modified, link, location, vary
   */
  readonly replayedHeaders?: readonly string[];
  /**
   * Prefix of every problem `type` URI (`…idempotency-key-missing`); point it at your API's docs.
   * @default 'tag:lambda-idempotency,2026:problems/'
   */
  readonly problemTypeBase?: string;
}

/** A handler behind API Gateway, with the idempotency context as third argument. */
export type IdempotentHttpHandler<TEvent extends ApiGatewayEvent, TResult extends ApiGatewayResult> = (
  event: TEvent,
  context: Context,
  idem: IdempotencyContext,
) => Promise<TResult>;

const STORE_RETRY_AFTER_SECONDS = 2;

/**
 * Wraps an API Gateway handler (REST, HTTP API, Function URL) with HTTP idempotency semantics:
 * the `Idempotency-Key` header, caller scope, a request fingerprint, replays marked
 * `Idempotent-Replayed: true`, and RFC 9457 problems for every way a request can go wrong.
 */
export function idempotentHttp<TEvent extends ApiGatewayEvent, TResult extends ApiGatewayResult>(
  handler: IdempotentHttpHandler<TEvent, TResult>,
  options: IdempotentHttpOptions<TEvent>,
): (event: TEvent, context: Context) => Promise<TResult | HttpResponse> {
  assertFunction('handler', handler, false);
  const engine = new IdempotencyEngine(resolveEngineOptions(options));
  const settings = resolveHttpOptions(options);
  const problem = (type: string, status: number, title: string, detail: string, headers?: Record<string, string>) =>
    problemResponse({ type: settings.problemTypeBase + type, title, status, detail }, headers);

  return async (event, context) => {
    const request = readRequest(event);
    if (!settings.methods.has(request.method)) return handler(event, context, unprotected());

    const header = readKeyHeader(request.headers.get(IDEMPOTENCY_KEY_HEADER));
    switch (header.kind) {
      case 'missing':
        if (settings.missingKey === 'run-without-idempotency') return handler(event, context, unprotected());
        return problem(ProblemType.keyMissing, 400, 'Idempotency-Key header missing', `${request.method} requests need an Idempotency-Key header, for example a UUID.`);
      case 'ambiguous':
        return problem(ProblemType.keyAmbiguous, 400, 'More than one Idempotency-Key', 'The request carries several different Idempotency-Key values; send exactly one.');
      case 'invalid':
        return problem(ProblemType.keyInvalid, 400, 'Invalid Idempotency-Key', header.reason);
    }

    const telemetry = engine.telemetry();
    try {
      const caller = scopeOf(event, settings.scope);
      if ('unresolved' in caller) {
        // Nothing is claimed or run: a shared key space would replay one caller's response to another.
        telemetry.record(undefined, 'error', scopeUnresolvedMessage(caller.unresolved), { authorizer: caller.unresolved });
        return problem(ProblemType.scopeUnresolved, 500, 'Idempotency scope unresolved', 'The request was not processed: the API cannot tell its callers apart, so it cannot keep their Idempotency-Keys apart. This is a server configuration error (idempotentHttp needs a `scope`); the server log says more.');
      }
      const outcome = await engine.execute<TResult | HttpResponse, StoredResponse>({
        telemetry,
        key: header.key,
        operation: `${engine.operation} ${request.method} ${request.route}`,
        scope: caller.scope,
        fingerprint: requestFingerprint(request),
        context,
        run: async (idem) => handler(event, context, idem),
        isFinal: (result) => settings.isFinalStatus(normalizeResponse(result).statusCode),
        toStored: (result) => storableResponse(normalizeResponse(result), settings.replayedHeaders),
      });
      return outcome.replayed ? replayResponse(outcome.result) : outcome.result;
    } catch (error) {
      if (hasErrorCode(error, ErrorCode.inProgress)) {
        const retryAfter = String((error as IdempotencyInProgressError).retryAfterSeconds);
        return problem(ProblemType.inProgress, 409, 'Request in progress', 'A request with this Idempotency-Key is still being processed; retry later to get its response.', { 'Retry-After': retryAfter });
      }
      if (hasErrorCode(error, ErrorCode.payloadMismatch)) {
        return problem(ProblemType.payloadMismatch, 422, 'Idempotency-Key reused', 'This Idempotency-Key was already used for a different request; use a new key for a new request.');
      }
      if (hasErrorCode(error, ErrorCode.resultUnavailable)) {
        return problem(ProblemType.responseUnavailable, 500, 'Response unavailable', 'The request with this Idempotency-Key was processed, but its response was too large to store, so it cannot be repeated.');
      }
      if (hasErrorCode(error, ErrorCode.storeFailure)) {
        return problem(ProblemType.storeUnavailable, 503, 'Service temporarily unavailable', 'The request was not processed; retry it with the same Idempotency-Key.', { 'Retry-After': String(STORE_RETRY_AFTER_SECONDS) });
      }
      throw error; // the handler's own error, unchanged
    } finally {
      telemetry.flush();
    }
  };
}

/** The `scope` option's answer, else the event's principal (`undefined`: no authorizer, keys shared). */
function scopeOf<TEvent extends ApiGatewayEvent>(event: TEvent, scope: ((event: TEvent) => string | undefined) | undefined): { readonly scope: string | undefined } | { readonly unresolved: string } {
  if (scope) return { scope: scope(event) };
  const caller = resolvePrincipal(event);
  if (caller.kind === 'unresolved') return { unresolved: caller.authorizer };
  return { scope: caller.kind === 'principal' ? caller.principal : undefined };
}

function scopeUnresolvedMessage(authorizer: string): string {
  return `An authorizer ran (${authorizer}), but the event names no caller (no principal the adapter reads), so the request was refused rather than `
    + 'run in one key space shared by every caller. Pass `scope: (event) => …` to idempotentHttp, returning what names the caller '
    + '(a claim, a Lambda authorizer context value), or `scope: () => undefined` to share keys among all callers on purpose.';
}

function resolveHttpOptions<TEvent extends ApiGatewayEvent>(options: IdempotentHttpOptions<TEvent>) {
  const methods = options.methods ?? ['POST', 'PATCH'];
  if (!Array.isArray(methods) || methods.some((method) => typeof method !== 'string' || !/^[A-Za-z]+$/.test(method))) {
    throw new TypeError(`Expected \`methods\` to be an array of HTTP method names, got ${describe(methods)}`);
  }
  const missingKey = options.missingKey ?? 'reject';
  assertOneOf('missingKey', missingKey, ['reject', 'run-without-idempotency'] as const);
  assertFunction('scope', options.scope, true);
  assertFunction('isFinalStatus', options.isFinalStatus, true);
  const replayedHeaders = options.replayedHeaders ?? DEFAULT_REPLAYED_HEADERS;
  if (!Array.isArray(replayedHeaders) || replayedHeaders.some((name) => typeof name !== 'string')) {
    throw new TypeError(`Expected \`replayedHeaders\` to be an array of header names, got ${describe(replayedHeaders)}`);
  }
  const problemTypeBase = options.problemTypeBase ?? DEFAULT_PROBLEM_TYPE_BASE;
  assertUriPrefix('problemTypeBase', problemTypeBase);
  return {
    methods: new Set(methods.map((method) => method.toUpperCase())),
    missingKey,
    scope: options.scope,
    isFinalStatus: options.isFinalStatus ?? isFinalStatus,
    // Set-Cookie hands a session to whoever replays: never stored, whatever the option says.
    replayedHeaders: new Set(replayedHeaders.map((name) => name.toLowerCase()).filter((name) => name !== 'set-cookie')),
    problemTypeBase,
  };
}
