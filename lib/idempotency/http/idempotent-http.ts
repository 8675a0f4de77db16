import { HTTP_DEFAULTS } from './http-defaults';
import type { Context } from 'aws-lambda';
import { DEFAULTS } from '../core/defaults';
import { IdempotencyEngine } from '../core/engine';
import { keylessIdempotencyContext, type MissingKeyPolicy } from '../core/event-key';
import { resolveEngineOptions, type EngineOptions } from '../core/options';
import type { IdempotencyContext } from '../core/outcome';
import { assertFunction, assertOneOf, assertUriPrefix, refuseOption } from '../core/validate';
import { readRequest, type ApiGatewayEvent, type ApiGatewayResult } from './http-event';
import {
  DEFAULT_REPLAYED_HEADERS,
  isFinalStatus,
  normalizeResponse,
  replayResponse,
  storableResponse,
  type StoredResponse,
} from './http-response';
import { IDEMPOTENCY_KEY_HEADER, readKeyHeader } from './idempotency-key-header';
import { resolvePrincipal } from './principal';
import { ProblemType, problemResponse, type HttpResponse } from './problem';
import { DEFAULT_KEY_EXPIRY_HEADER, withKeyExpiry } from './key-expiry-header';
import { undecodableProblem } from './undecodable-problem';
import { problemFor, WRITE_REFUSAL_PROBLEMS, type ProblemOutcome, type ProblemText } from './problem-for';
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
  /**
   * The response header that tells a replay's client when its key expires (an HTTP date, as `Expires` is written):
   * a retry after it runs the request again. The name follows the IETF draft's "Idempotency Key Validity and
   * Expiry" (draft-ietf-httpapi-idempotency-key-header). `false` leaves it out.
   * @default 'Idempotency-Key-Expires'
   */
  readonly keyExpiryHeader?: string | false;
}

/** A handler behind API Gateway, with the idempotency context as third argument. */
export type IdempotentHttpHandler<TEvent extends ApiGatewayEvent, TResult extends ApiGatewayResult> = (
  event: TEvent,
  context: Context,
  idem: IdempotencyContext,
) => Promise<TResult>;

/** The options `idempotentHttp` reads besides the engine's. */
export const HTTP_OPTION_KEYS: readonly string[] = [
  'methods',
  'missingKey',
  'scope',
  'isFinalStatus',
  'replayedHeaders',
  'problemTypeBase',
  'keyExpiryHeader',
];

const PROBLEMS: Readonly<Record<ProblemOutcome['kind'], ProblemText>> = {
  'in-progress': {
    type: ProblemType.inProgress,
    title: 'Request in progress',
    detail: 'A request with this Idempotency-Key is still being processed; retry later to get its response.',
  },
  mismatch: {
    type: ProblemType.payloadMismatch,
    title: 'Idempotency-Key reused',
    detail: 'This Idempotency-Key was already used for a different request; use a new key for a new request.',
  },
  unavailable: {
    type: ProblemType.responseUnavailable,
    title: 'Response unavailable',
    detail:
      'The request with this Idempotency-Key was processed, but its response could not be stored (too large, or its codec failed), so it cannot be repeated.',
  },
  'store-unavailable': {
    type: ProblemType.storeUnavailable,
    title: 'Service temporarily unavailable',
    detail: 'The request was not processed; retry it with the same Idempotency-Key.',
  },
  ...WRITE_REFUSAL_PROBLEMS,
};

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
  const engine = new IdempotencyEngine(resolveEngineOptions(options, 'idempotentHttp', HTTP_OPTION_KEYS));
  const settings = resolveHttpOptions(options);
  const problem = (type: string, status: number, title: string, detail: string) =>
    problemResponse({ type: settings.problemTypeBase + type, title, status, detail });
  const answer = (outcome: ProblemOutcome) => problemFor(outcome, PROBLEMS[outcome.kind], settings.problemTypeBase);

  return async (event, context) => {
    const request = readRequest(event);
    if (!settings.methods.has(request.method)) return handler(event, context, keylessIdempotencyContext());

    const header = readKeyHeader(request.headers.get(IDEMPOTENCY_KEY_HEADER));
    switch (header.kind) {
      case 'missing':
        if (settings.missingKey === 'run-without-idempotency') return handler(event, context, keylessIdempotencyContext());
        return problem(
          ProblemType.keyMissing,
          400,
          'Idempotency-Key header missing',
          `${request.method} requests need an Idempotency-Key header, for example a UUID.`,
        );
      case 'ambiguous':
        return problem(
          ProblemType.keyAmbiguous,
          400,
          'More than one Idempotency-Key',
          'The request carries several different Idempotency-Key values; send exactly one.',
        );
      case 'invalid':
        return problem(ProblemType.keyInvalid, 400, 'Invalid Idempotency-Key', header.reason);
    }

    return engine.invoke(context, async (invocation) => {
      // The `scope` option's answer, used as it is, else the event's principal (anonymous: no authorizer, keys shared).
      const caller = settings.scope ? { kind: 'principal' as const, principal: settings.scope(event) } : resolvePrincipal(event);
      if (caller.kind === 'unresolved') {
        // Nothing is claimed or run: a shared key space would replay one caller's response to another.
        invocation.telemetry.record(undefined, 'error', scopeUnresolvedMessage(caller.authorizer), { authorizer: caller.authorizer });
        return problem(
          ProblemType.scopeUnresolved,
          500,
          'Idempotency scope unresolved',
          'The request was not processed: the API cannot tell its callers apart, so it cannot keep their Idempotency-Keys apart. This is a server configuration error (idempotentHttp needs a `scope`); the server log says more.',
        );
      }
      try {
        const outcome = await invocation.execute<TResult | HttpResponse, StoredResponse>({
          key: header.key,
          operation: `${engine.operation} ${request.method} ${request.route}`,
          scope: caller.kind === 'principal' ? caller.principal : undefined,
          fingerprint: requestFingerprint(request),
          run: async (idem) => handler(event, context, idem),
          isFinal: (result) => settings.isFinalStatus(normalizeResponse(result).statusCode),
          toStored: (result) => storableResponse(normalizeResponse(result), settings.replayedHeaders),
        });
        if (outcome.kind === 'ran') return outcome.result;
        if (outcome.kind === 'replayed') return withKeyExpiry(replayResponse(outcome.result), settings.keyExpiryHeader, outcome.expiresAt);
        return answer(outcome);
      } catch (error) {
        if (invocation.isStoreFault(error)) return answer({ kind: 'store-unavailable' });
        const undecodable = undecodableProblem(error, settings.problemTypeBase);
        if (undecodable) return undecodable;
        throw error; // the handler's own error, unchanged, whatever it is (a nested idempotent call's too)
      }
    });
  };
}

function scopeUnresolvedMessage(authorizer: string): string {
  return (
    `An authorizer ran (${authorizer}), but the event names no caller (no principal the adapter reads), so the request was refused rather than ` +
    'run in one key space shared by every caller. Pass `scope: (event) => …` to idempotentHttp, returning what names the caller ' +
    '(a claim, a Lambda authorizer context value), or `scope: () => undefined` to share keys among all callers on purpose.'
  );
}

function resolveHttpOptions<TEvent extends ApiGatewayEvent>(options: IdempotentHttpOptions<TEvent>) {
  const methods = options.methods ?? HTTP_DEFAULTS.methods;
  if (!Array.isArray(methods) || methods.some((method) => typeof method !== 'string' || !/^[A-Za-z]+$/.test(method))) {
    refuseOption('methods', 'be an array of HTTP method names', methods);
  }
  const missingKey = options.missingKey ?? DEFAULTS.missingKey;
  assertOneOf('missingKey', missingKey, ['reject', 'run-without-idempotency'] as const);
  assertFunction('scope', options.scope, true);
  assertFunction('isFinalStatus', options.isFinalStatus, true);
  const replayedHeaders = options.replayedHeaders ?? DEFAULT_REPLAYED_HEADERS;
  if (!Array.isArray(replayedHeaders) || replayedHeaders.some((name) => typeof name !== 'string')) {
    refuseOption('replayedHeaders', 'be an array of header names', replayedHeaders);
  }
  const problemTypeBase = options.problemTypeBase ?? HTTP_DEFAULTS.problemTypeBase;
  assertUriPrefix('problemTypeBase', problemTypeBase);
  const keyExpiryHeader = options.keyExpiryHeader ?? DEFAULT_KEY_EXPIRY_HEADER;
  if (keyExpiryHeader !== false && (typeof keyExpiryHeader !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(keyExpiryHeader))) {
    refuseOption('keyExpiryHeader', 'be a header name or false', keyExpiryHeader);
  }
  return {
    keyExpiryHeader,
    methods: new Set(methods.map((method) => method.toUpperCase())),
    missingKey,
    scope: options.scope,
    isFinalStatus: options.isFinalStatus ?? isFinalStatus,
    // Set-Cookie hands a session to whoever replays: never stored, whatever the option says.
    replayedHeaders: new Set(replayedHeaders.map((name) => name.toLowerCase()).filter((name) => name !== 'set-cookie')),
    problemTypeBase,
  };
}
