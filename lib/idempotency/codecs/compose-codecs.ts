import { assertCodec, stepCodec, type ResultCodec } from '../core/codec-port';

/**
 * Several codecs as one: `encode` applies them in order, `decode` in reverse. Put encryption last, so it
 * encrypts what the others produced: `composeCodecs(typedCodec(), redactResults(…), encryptResults(…))`.
 */
export function composeCodecs(...codecs: readonly ResultCodec[]): ResultCodec {
  codecs.forEach((codec) => assertCodec(codec ?? null));
  const reversed = [...codecs].reverse();
  // Derived once, on the first step that asks (every claim's step runner does): the lossless parts, or this codec itself.
  let forSteps: { readonly codec: ResultCodec | undefined } | undefined;
  const composed: ResultCodec = {
    async encode(value, context) {
      let encoded = value;
      for (const codec of codecs) encoded = await codec.encode(encoded, context);
      return encoded;
    },
    async decode(stored, context) {
      let decoded = stored;
      for (const codec of reversed) decoded = await codec.decode(decoded, context);
      return decoded;
    },
    forSteps() {
      if (!forSteps) {
        const parts = codecs.map(stepCodec);
        const lossless = parts.filter((part): part is ResultCodec => part !== undefined);
        forSteps = {
          codec: lossless.length === 0 ? undefined : parts.every((part, i) => part === codecs[i]) ? composed : composeCodecs(...lossless),
        };
      }
      return forSteps.codec;
    },
  };
  return composed;
}
