import { randomBytes } from 'node:crypto';
import { ErrorCode, idempotent, idempotentHttp, MetricName, type HttpResponse } from 'lambda-idempotency';
import { composeCodecs, typedCodec } from 'lambda-idempotency/codecs';
import { encryptResults, localKeyProvider, type KeyProvider } from 'lambda-idempotency/encryption';
import { MemoryStore } from 'lambda-idempotency/testing';
import { scopedId } from '../../../lib/idempotency/core/scoped-key';
import { httpEvent } from '../../support/api-gateway-fixtures';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';

const KEY_1 = randomBytes(32);
const KEY_2 = randomBytes(32);
const provider = (current = 'k1', keys: Record<string, Uint8Array> = { k1: KEY_1 }) => localKeyProvider({ keys, currentKeyId: current });
const stored = async (value: unknown, id: string, codec = encryptResults({ keyProvider: provider() })) =>
  JSON.parse(JSON.stringify(await codec.encode(value, { id })));

describe('encryptResults with a local key provider', () => {
  it('stores no plaintext and decrypts to the result', async () => {
    const codec = encryptResults({ keyProvider: provider() });
    const envelope = await stored({ card: 'MARKER-4242' }, 'id-1', codec);
    expect(JSON.stringify(envelope)).not.toContain('MARKER-4242');
    expect(envelope).toMatchObject({ $encrypted: 1, alg: 'AES-256-GCM', kid: 'k1' });
    expect(await codec.decode(envelope, { id: 'id-1' })).toEqual({ card: 'MARKER-4242' });
  });

  it('uses a fresh data key and nonce per record: the same result encrypts differently each time', async () => {
    const [a, b] = [await stored('same', 'id-1'), await stored('same', 'id-1')];
    expect(a.dk).not.toBe(b.dk);
    expect(a.ct).not.toBe(b.ct);
  });

  it('decrypts records wrapped by a rotated-out key, and wraps new ones with the current key', async () => {
    const before = await stored({ n: 1 }, 'id-1');
    const rotated = encryptResults({ keyProvider: provider('k2', { k1: KEY_1, k2: KEY_2 }) });
    expect(await rotated.decode(before, { id: 'id-1' })).toEqual({ n: 1 });
    expect((await stored({ n: 2 }, 'id-2', rotated)).kid).toBe('k2');
  });

  it('refuses a record moved to another id (its associated data), a wrong key, a key it does not hold, and tampering', async () => {
    const envelope = await stored({ n: 1 }, 'id-1');
    const codec = encryptResults({ keyProvider: provider() });
    await expect(codec.decode(envelope, { id: 'id-2' })).rejects.toMatchObject({ code: ErrorCode.resultUndecodable });
    await expect(encryptResults({ keyProvider: provider('k1', { k1: KEY_2 }) }).decode(envelope, { id: 'id-1' })).rejects.toThrow(
      /does not decrypt with key "k1"/,
    );
    await expect(encryptResults({ keyProvider: provider('k2', { k2: KEY_2 }) }).decode(envelope, { id: 'id-1' })).rejects.toThrow(
      /key "k1", which the key provider does not hold/,
    );
    const tampered = {
      ...envelope,
      ct: Buffer.from(Buffer.from(envelope.ct, 'base64').map((byte, i) => (i === 0 ? byte ^ 1 : byte))).toString('base64'),
    };
    await expect(codec.decode(tampered, { id: 'id-1' })).rejects.toThrow(/altered, or moved/);
  });

  it('refuses a plaintext record unless readUnencrypted is on, and an envelope of another version', async () => {
    await expect(encryptResults({ keyProvider: provider() }).decode({ paid: true }, { id: 'id-1' })).rejects.toThrow(/not encrypted/);
    expect(await encryptResults({ keyProvider: provider(), readUnencrypted: true }).decode({ paid: true }, { id: 'id-1' })).toEqual({
      paid: true,
    });
    await expect(encryptResults({ keyProvider: provider() }).decode({ $encrypted: 2 }, { id: 'id-1' })).rejects.toThrow(/version 2/);
  });

  it('round-trips undefined and, behind typedCodec, typed values', async () => {
    const codec = composeCodecs(typedCodec(), encryptResults({ keyProvider: provider() }));
    const value = { at: new Date('2026-12-05T00:00:00Z'), big: 7n };
    expect(await codec.decode(await stored(value, 'id-1', codec), { id: 'id-1' })).toEqual(value);
    expect(await codec.decode(await stored(undefined, 'id-1', codec), { id: 'id-1' })).toBeUndefined();
  });

  it('refuses options without a key provider, and a local provider whose current key it does not hold or of the wrong size', () => {
    expect(() => encryptResults({} as never)).toThrow('Expected `keyProvider` to be a KeyProvider');
    expect(() => localKeyProvider({ keys: { k1: KEY_1 }, currentKeyId: 'k9' })).toThrow(
      'Expected `currentKeyId` to name one of `keys` (k1)',
    );
    expect(() => localKeyProvider({ keys: { k1: randomBytes(16) }, currentKeyId: 'k1' })).toThrow(
      'Expected `keys.k1` to be 32 bytes, got 16',
    );
  });
});

describe('a wrapper with an encrypting codec, when the codec fails', () => {
  const metricsOf = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, number>);

  it('returns the result and completes the key without it when encoding throws: a duplicate is never run again', async () => {
    const failing: KeyProvider = {
      generateDataKey: async () => {
        throw new Error('no key today');
      },
      decryptDataKey: async () => randomBytes(32),
    };
    const logger = recordingLogger();
    const store = new MemoryStore();
    const lines: string[] = [];
    let runs = 0;
    const handler = idempotent(async () => ({ run: ++runs }), {
      store,
      key: () => 'k',
      codec: encryptResults({ keyProvider: failing }),
      logger,
      metrics: { emit: (line) => void lines.push(line) },
    });
    expect(await handler({}, lambdaContext())).toEqual({ run: 1 });
    expect(logger.warnings.map((w) => w.message)).toContain('The codec could not encode the result, so it is not stored.');
    expect(logger.warnings.find((w) => w.message.startsWith('The codec'))?.fields.error).toContain('no key today');
    expect(metricsOf(lines).at(-1)?.[MetricName.resultsNotStored]).toBe(1);
    expect(await store.get(scopedId('default', undefined, 'k'))).toMatchObject({ status: 'COMPLETED', result: { encoding: 'omitted' } });
    // As a result too large to store: the side effect happened once, so a duplicate is told, never run again.
    await expect(handler({}, lambdaContext())).rejects.toMatchObject({ code: ErrorCode.resultUnavailable });
    expect(runs).toBe(1);
  });

  it('never runs a duplicate that waited for an in-flight call whose result the codec could not encode (a KMS throttle)', async () => {
    const throttled: KeyProvider = {
      generateDataKey: async () => {
        throw new Error('ThrottlingException');
      },
      decryptDataKey: async () => randomBytes(32),
    };
    let charges = 0;
    let finishCharge = () => {};
    const charging = new Promise<void>((resolve) => (finishCharge = resolve));
    const handler = idempotent(
      async () => {
        charges++;
        await charging;
        return { chargeId: `ch_${charges}` };
      },
      { store: new MemoryStore(), key: () => 'o-1', codec: encryptResults({ keyProvider: throttled }), logger: recordingLogger() },
    );
    const first = handler({}, lambdaContext());
    const duplicate = handler({}, lambdaContext()).catch((error: { code?: string }) => error.code); // a double click: it waits
    finishCharge();
    expect(await first).toEqual({ chargeId: 'ch_1' });
    expect(await duplicate).toBe(ErrorCode.resultUnavailable);
    expect(charges).toBe(1);
  });

  it("with the handler's own writes (idem.write), commits them with the key completed without its result when encoding fails", async () => {
    const failing: KeyProvider = {
      generateDataKey: async () => {
        throw new Error('no key today');
      },
      decryptDataKey: async () => randomBytes(32),
    };
    const store = new MemoryStore({ tables: { accounts: ['pk'] } });
    let runs = 0;
    const handler = idempotent(
      async (_event: unknown, _context, idem) => {
        runs++;
        idem.write({ Put: { TableName: 'accounts', Item: { pk: 'alice', balance: 1 } } });
        return { opened: true };
      },
      { store, key: () => 'k', codec: encryptResults({ keyProvider: failing }), logger: recordingLogger() },
    );
    expect(await handler({}, lambdaContext())).toEqual({ opened: true });
    expect(store.items('accounts')).toEqual([{ pk: 'alice', balance: 1 }]); // the writes land with their completion, as for any unstorable result
    expect(await store.get(scopedId('default', undefined, 'k'))).toMatchObject({ status: 'COMPLETED', result: { encoding: 'omitted' } });
    await expect(handler({}, lambdaContext())).rejects.toMatchObject({ code: ErrorCode.resultUnavailable });
    expect(runs).toBe(1);
  });

  it('answers a record that does not decrypt with a 500 problem of a stable type, counted, and never runs the handler again', async () => {
    const store = new MemoryStore();
    const lines: string[] = [];
    let runs = 0;
    const wrap = (keys: Record<string, Uint8Array>) =>
      idempotentHttp(async () => ({ statusCode: 201, body: JSON.stringify({ run: ++runs }) }), {
        store,
        codec: encryptResults({ keyProvider: localKeyProvider({ keys, currentKeyId: Object.keys(keys)[0]! }) }),
        logger: recordingLogger(),
        metrics: { emit: (line) => void lines.push(line) },
      });
    const request = httpEvent({ headers: [['Idempotency-Key', 'k-1']], body: '{}' });
    expect(((await wrap({ k1: KEY_1 })(request, lambdaContext())) as HttpResponse).statusCode).toBe(201);
    const lost = wrap({ k2: KEY_2 }); // the key that wrapped the record is gone
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = (await lost(request, lambdaContext())) as HttpResponse;
      expect(answer.statusCode).toBe(500);
      expect(JSON.parse(answer.body!)).toMatchObject({
        type: 'tag:lambda-idempotency,2026:problems/stored-response-undecodable',
        status: 500,
      });
    }
    expect(runs).toBe(1);
    expect(metricsOf(lines).at(-1)?.[MetricName.resultsUndecodable]).toBe(1);
  });

  it('throws IdempotencyResultUndecodableError from idempotent, and runs nothing', async () => {
    const store = new MemoryStore();
    let runs = 0;
    const wrap = (key: Uint8Array) =>
      idempotent(async () => ++runs, {
        store,
        key: () => 'k',
        codec: encryptResults({ keyProvider: provider('k1', { k1: key }) }),
        logger: recordingLogger(),
      });
    await wrap(KEY_1)({}, lambdaContext());
    await expect(wrap(KEY_2)({}, lambdaContext())).rejects.toMatchObject({
      code: ErrorCode.resultUndecodable,
      name: 'IdempotencyResultUndecodableError',
    });
    expect(runs).toBe(1);
  });

  it('refuses a codec without encode and decode, naming the option', () => {
    expect(() => idempotent(async () => 1, { store: new MemoryStore(), codec: { encode: () => 1 } as never })).toThrow(
      'Expected `codec` to be { encode, decode }, got an object',
    );
  });
});
