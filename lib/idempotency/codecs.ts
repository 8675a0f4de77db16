/**
 * Result codecs, on their own entry (`lambda-idempotency/codecs`): a handler that sets no `codec` bundles none of
 * this. Encryption has its own entry (`lambda-idempotency/encryption`).
 */
export { typedCodec, TYPED_FORMAT_VERSION } from './codecs/typed-codec';
export type { TypedCodecOptions, TypedValue } from './codecs/typed-codec';
export { redactResults, REDACTED } from './codecs/redact-codec';
export type { RedactOptions } from './codecs/redact-codec';
export { composeCodecs } from './codecs/compose-codecs';
export type { ResultCodec, ResultCodecContext } from './core/codec-port';
