import { applyUpdate, meetsCondition } from '../../../lib/idempotency/stores/memory-expression';

const item = { pk: 'a', status: 'pending', balance: 10, charge: 'ch_1' };

describe("MemoryStore's expressions", () => {
  it('evaluates comparisons, AND/OR/NOT, parentheses and the attribute functions as DynamoDB does', () => {
    const p = {
      names: { '#status': 'status' },
      values: { ':pending': 'pending', ':ok': 'succeeded', ':charge': 'ch_1', ':ten': 10, ':p': 'ch_' },
    };
    expect(meetsCondition(item, 'attribute_exists(pk) AND (#status = :pending OR (#status = :ok AND charge = :charge))', p)).toBe(true);
    expect(
      meetsCondition(
        { ...item, status: 'failed' },
        'attribute_exists(pk) AND (#status = :pending OR (#status = :ok AND charge = :charge))',
        p,
      ),
    ).toBe(false);
    expect(meetsCondition(item, 'balance >= :ten AND NOT balance > :ten AND begins_with(charge, :p)', p)).toBe(true);
    expect(meetsCondition(undefined, 'attribute_not_exists(pk)', p)).toBe(true);
    expect(meetsCondition(undefined, 'balance >= :ten', p)).toBe(false);
  });

  it('applies SET with arithmetic and if_not_exists, REMOVE and ADD against the item as it was', () => {
    const p = { values: { ':one': 1, ':zero': 0, ':five': 5 } };
    expect(applyUpdate(item, 'SET balance = balance - :five, n = if_not_exists(n, :zero) + :one REMOVE charge ADD hits :one', p)).toEqual({
      pk: 'a',
      status: 'pending',
      balance: 5,
      n: 1,
      hits: 1,
    });
  });

  it('refuses what it does not understand rather than pretend: nested paths, unknown placeholders, other clauses', () => {
    expect(() => meetsCondition(item, 'a.b = :v', { values: { ':v': 1 } })).toThrow(/top-level attributes only/);
    expect(() => meetsCondition(item, '#missing = :v', { values: { ':v': 1 } })).toThrow(/ExpressionAttributeNames does not define/);
    expect(() => applyUpdate(item, 'DELETE tags :v', { values: { ':v': 1 } })).toThrow(/does not support the update clause DELETE/);
  });
});
