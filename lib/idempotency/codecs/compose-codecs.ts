import { assertCodec, stepCodec, type ResultCodec } from '../core/codec-port';

/**
 * Several codecs as one: `encode` applies them in order, `decode` in reverse. Put encryption last, so it
 * encrypts what the others produced: `composeCodecs(typedCodec(), redactResults(…), encryptResults(…))`.
 */
export function composeCodecs(...codecs: readonly ResultCodec[]): ResultCodec {
  codecs.forEach((codec) => assertCodec(codec ?? null));
  return {
    async encode(value, context) {
      let encoded = value;
      for (const codec of codecs) encoded = await codec.encode(encoded, context);
      return encoded;
    },
    async decode(stored, context) {
      let decoded = stored;
      for (const codec of [...codecs].reverse()) decoded = await codec.decode(decoded, context);
      return decoded;
    },
    forSteps() {
      const lossless = codecs.flatMap((codec) => stepCodec(codec) ?? []);
      return lossless.length === 0 ? undefined : composeCodecs(...lossless);
    },
  };
}
