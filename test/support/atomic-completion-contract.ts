import { randomUUID } from 'node:crypto';
import type { BusinessWrite, ClaimRequest, IdempotencyStore, PendingWrite } from '../../lib/idempotency/core/store';

// ms, in 2100, as in the store contract: 2026-11-30 (the value here before) is now in the past, and DynamoDB Local's
// TTL sweep deleted the contract's in-progress records mid-test.
const NOW = 4_102_444_800_000;
const nowSeconds = Math.floor(NOW / 1000);
const RESULT = { encoding: 'json', data: '{"ok":true}' } as const;

/** A store that commits writes, a business table keyed by `pk` (string) it may write, and that table's items. */
export interface AtomicSetup {
  readonly store: IdempotencyStore;
  readonly table: string;
  items(): Promise<Record<string, unknown>[]>;
}

/** A write as the engine hands it over (document form unless `marshalled`). */
export function pending(action: BusinessWrite, name: string, options: Partial<Omit<PendingWrite, 'action' | 'name'>> = {}): PendingWrite {
  return { action, name, marshalled: false, onConditionFailure: 'release', ...options };
}

/**
 * The contract of `completeWith`, run against every store that has it: the handler's writes and the completion
 * land together or not at all; the fence covers the writes; a retry of a commit that landed is done, and
 * writes nothing twice; limits refuse before anything is sent.
 */
export function describeAtomicCompletionContract(name: string, setup: () => Promise<AtomicSetup>): void {
  describe(`${name} commits writes with the completion atomically`, () => {
    let s: AtomicSetup;
    beforeAll(async () => {
      s = await setup();
    });

    const claimed = async (overrides: Partial<ClaimRequest> = {}): Promise<ClaimRequest> => {
      const request: ClaimRequest = {
        id: `atomic-${randomUUID()}`,
        leaseToken: randomUUID(),
        leaseExpiresAt: NOW + 10_000,
        expiration: nowSeconds + 3_600,
        now: NOW,
        ...overrides,
      };
      expect(await s.store.claim(request)).toMatchObject({ claimed: true });
      return request;
    };
    const commit = (request: ClaimRequest, writes: PendingWrite[]) =>
      s.store.completeWith!({ id: request.id, leaseToken: request.leaseToken, result: RESULT, expiration: request.expiration }, writes);
    const itemsOf = async (pk: string) => (await s.items()).filter((item) => item.pk === pk);
    const put = (item: Record<string, unknown>, condition?: string): BusinessWrite => ({
      Put: { TableName: s.table, Item: item, ConditionExpression: condition },
    });
    const debit = (pk: string, amount: number): BusinessWrite => ({
      Update: {
        TableName: s.table,
        Key: { pk },
        UpdateExpression: 'SET balance = balance - :amount',
        ConditionExpression: 'balance >= :amount',
        ExpressionAttributeValues: { ':amount': amount },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });

    it('commits every write and the completion together', async () => {
      const request = await claimed();
      const account = `account-${randomUUID()}`;
      expect(
        await commit(request, [
          pending(put({ pk: account, balance: 100 }, 'attribute_not_exists(pk)'), 'open'),
          pending(put({ pk: `${account}-receipt`, amount: 0 }), 'receipt'),
        ]),
      ).toEqual({ completed: true });
      expect(await s.store.get(request.id)).toMatchObject({ status: 'COMPLETED', leaseToken: request.leaseToken, result: RESULT });
      expect(await itemsOf(account)).toEqual([{ pk: account, balance: 100 }]);
      expect(await itemsOf(`${account}-receipt`)).toEqual([{ pk: `${account}-receipt`, amount: 0 }]);
    });

    it('writes neither the business items nor the completion when a business condition fails, and names the write with its item', async () => {
      const account = `account-${randomUUID()}`;
      await commit(await claimed(), [pending(put({ pk: account, balance: 10 }), 'open')]);
      const request = await claimed();
      const outcome = await commit(request, [
        pending(put({ pk: `${account}-receipt`, amount: 50 }), 'receipt'),
        pending(debit(account, 50), 'debit'),
      ]);
      expect(outcome).toEqual({
        completed: false,
        reason: 'condition-failed',
        failures: [
          expect.objectContaining({ index: 1, name: 'debit', code: 'ConditionalCheckFailed', item: { pk: account, balance: 10 } }),
        ],
      });
      expect(await s.store.get(request.id)).toMatchObject({ status: 'IN_PROGRESS', leaseToken: request.leaseToken });
      expect(await itemsOf(account)).toEqual([{ pk: account, balance: 10 }]);
      expect(await itemsOf(`${account}-receipt`)).toEqual([]);
    });

    it('writes nothing when the fence fails (the lease was taken over): the new owner stands', async () => {
      const late = await claimed();
      const owner = await claimed({ id: late.id, now: late.leaseExpiresAt + 1, leaseExpiresAt: late.leaseExpiresAt + 10_000 });
      const receipt = `receipt-${randomUUID()}`;
      expect(await commit(late, [pending(put({ pk: receipt, by: 'late' }), 'receipt')])).toEqual({ completed: false, reason: 'fenced' });
      expect(await itemsOf(receipt)).toEqual([]);
      expect(await s.store.get(late.id)).toMatchObject({ status: 'IN_PROGRESS', leaseToken: owner.leaseToken });
    });

    it('counts a retried commit that already landed as completed, and applies its writes once', async () => {
      const request = await claimed();
      const counter = `counter-${randomUUID()}`;
      const bump: BusinessWrite = {
        Update: {
          TableName: s.table,
          Key: { pk: counter },
          UpdateExpression: 'SET n = if_not_exists(n, :zero) + :one',
          ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
        },
      };
      expect(await commit(request, [pending(bump, 'bump')])).toEqual({ completed: true });
      expect(await commit(request, [pending(bump, 'bump')])).toEqual({ completed: true });
      expect(await itemsOf(counter)).toEqual([{ pk: counter, n: 1 }]);
    });

    it('commits a write in the attribute-value form as the same item', async () => {
      const request = await claimed();
      const pk = `marshalled-${randomUUID()}`;
      const write: BusinessWrite = { Put: { TableName: s.table, Item: { pk: { S: pk }, n: { N: '7' } } } };
      expect(await commit(request, [pending(write, 'raw', { marshalled: true })])).toEqual({ completed: true });
      expect(await itemsOf(pk)).toEqual([{ pk, n: 7 }]);
    });

    it('refuses more than 99 writes (100 actions with the completion) before writing anything', async () => {
      const request = await claimed();
      const prefix = `many-${randomUUID()}`;
      const writes = Array.from({ length: 100 }, (_, i) => pending(put({ pk: `${prefix}-${i}` }), `put ${i}`));
      await expect(commit(request, writes)).rejects.toMatchObject({
        code: 'IDEMPOTENCY_WRITE_INVALID',
        message: expect.stringContaining('at most 99 writes, got 100'),
      });
      expect((await s.items()).filter((item) => String(item.pk).startsWith(prefix))).toEqual([]);
      expect(await s.store.get(request.id)).toMatchObject({ status: 'IN_PROGRESS' });
    });

    it('refuses two actions on one item before writing anything', async () => {
      const request = await claimed();
      const pk = `twice-${randomUUID()}`;
      await expect(commit(request, [pending(debit(pk, 1), 'first'), pending(debit(pk, 2), 'second')])).rejects.toMatchObject({
        code: 'IDEMPOTENCY_WRITE_INVALID',
        message: expect.stringContaining('second'),
      });
      expect(await s.store.get(request.id)).toMatchObject({ status: 'IN_PROGRESS' });
    });
  });
}
