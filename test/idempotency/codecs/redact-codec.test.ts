import { idempotentHttp, type HttpResponse } from 'lambda-idempotency';
import { composeCodecs, REDACTED, redactResults, typedCodec } from 'lambda-idempotency/codecs';
import { idempotent } from 'lambda-idempotency';
import { MemoryStore } from 'lambda-idempotency/testing';
import { httpEvent } from '../../support/api-gateway-fixtures';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';

const context = { id: 'record-1' };

describe('redactResults', () => {
  it('replaces the named members, every element under *, and leaves the handler its own result untouched', async () => {
    const result = { card: { number: '4242424242424242', brand: 'visa' }, items: [{ pan: '1' }, { pan: '2' }], total: 10 };
    const stored = await redactResults({ paths: ['card.number', 'items.*.pan'] }).encode(result, context);
    expect(stored).toEqual({ card: { number: REDACTED, brand: 'visa' }, items: [{ pan: REDACTED }, { pan: REDACTED }], total: 10 });
    expect(result.card.number).toBe('4242424242424242');
  });

  it('removes members, or replaces them with what a function makes of them (a card keeps its last four)', async () => {
    const result = { card: { number: '4242424242424242', token: 'tok_1' } };
    expect(await redactResults({ paths: ['card.token'], remove: true }).encode(result, context)).toEqual({
      card: { number: '4242424242424242' },
    });
    const lastFour = redactResults({ paths: ['card.number'], replaceWith: (value: unknown) => `•••• ${String(value).slice(-4)}` });
    expect(await lastFour.encode(result, context)).toEqual({ card: { number: '•••• 4242', token: 'tok_1' } });
  });

  it('follows a path into a string that holds JSON, as an HTTP response body', async () => {
    const response = { statusCode: 201, body: JSON.stringify({ card: { number: '4242' } }) };
    expect(await redactResults({ paths: ['body.card.number'] }).encode(response, context)).toEqual({
      statusCode: 201,
      body: '{"card":{"number":"[REDACTED]"}}',
    });
  });

  it('redacts behind typedCodec too, in either order, and the replay keeps its types', async () => {
    const result = { paymentId: 'p-1', at: new Date('2026-12-05T08:00:00Z'), card: { number: '4111111111111111', brand: 'visa' } };
    for (const codec of [
      composeCodecs(typedCodec(), redactResults({ paths: ['card.number'] })),
      composeCodecs(redactResults({ paths: ['card.number'] }), typedCodec()),
    ]) {
      const stored = JSON.stringify(await codec.encode(result, context));
      expect(stored).not.toContain('4111111111111111');
      expect(await codec.decode(JSON.parse(stored), context)).toEqual({ ...result, card: { number: REDACTED, brand: 'visa' } });
    }
  });

  it("never redacts a step's stored result: a re-run gets the step's value whole, only the replayed result is redacted", async () => {
    const sentToPsp: string[] = [];
    let run = 0;
    const handler = idempotent(
      async (_event: { id: string }, _context, idem) => {
        run++;
        const card = await idem.step('tokenize', async () => ({ token: 'tok_4111_real' }));
        const charge = await idem.step('charge', async () => {
          sentToPsp.push(card.token);
          if (run === 1) throw new Error('the PSP timed out');
          return { ok: true };
        });
        return { charge, token: card.token };
      },
      {
        store: new MemoryStore(),
        key: (event) => event.id,
        codec: composeCodecs(typedCodec(), redactResults({ paths: ['token'] })),
        logger: recordingLogger(),
      },
    );
    await expect(handler({ id: 'o-1' }, lambdaContext())).rejects.toThrow('the PSP timed out');
    expect(await handler({ id: 'o-1' }, lambdaContext())).toEqual({ charge: { ok: true }, token: 'tok_4111_real' });
    expect(sentToPsp).toEqual(['tok_4111_real', 'tok_4111_real']);
    expect(await handler({ id: 'o-1' }, lambdaContext())).toEqual({ charge: { ok: true }, token: REDACTED }); // the replay
  });

  it('leaves what a path does not reach as it is', async () => {
    expect(await redactResults({ paths: ['a.b.c'] }).encode({ a: 'text', x: 1 }, context)).toEqual({ a: 'text', x: 1 });
  });

  it('refuses paths that are not a non-empty list of dotted paths', () => {
    expect(() => redactResults({ paths: [] })).toThrow('Expected `paths` to be a non-empty array');
    expect(() => redactResults({ paths: ['card..number'] })).toThrow(TypeError);
  });
});

describe('idempotentHttp with codec: redactResults', () => {
  it('answers the first request in full and replays the redacted response', async () => {
    let runs = 0;
    const handler = idempotentHttp(
      async () => {
        runs++;
        return {
          statusCode: 201,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ id: 'pay_1', card: { number: '4242424242424242' } }),
        };
      },
      { store: new MemoryStore(), codec: redactResults({ paths: ['body.card.number'] }), logger: recordingLogger() },
    );
    const request = httpEvent({ headers: [['Idempotency-Key', 'k-1']], body: '{}' });
    const first = (await handler(request, lambdaContext())) as HttpResponse;
    const replay = (await handler(request, lambdaContext())) as HttpResponse;
    expect(runs).toBe(1);
    expect(JSON.parse(first.body!)).toEqual({ id: 'pay_1', card: { number: '4242424242424242' } });
    expect(JSON.parse(replay.body!)).toEqual({ id: 'pay_1', card: { number: REDACTED } });
    expect(replay.headers?.['Idempotent-Replayed']).toBe('true');
  });
});
