import { isPaymentId, newPaymentId, PAYMENT_ID } from '../../lambda/payment/payment-id';

const zeros = (size: number) => Buffer.alloc(size);

describe('payment ids', () => {
  it('are pay_ and 26 characters of Crockford base32, the first ten the creation time', () => {
    const id = newPaymentId(new Date('2030-01-01T00:00:00.000Z'), zeros);
    expect(id).toMatch(PAYMENT_ID);
    expect(id).toHaveLength(30);
    expect(id.slice(14)).toBe('0000000000000000');
  });

  it('sort as strings in the order they were made, across milliseconds and within one', () => {
    const times = [
      '2031-05-01T00:00:00.000Z',
      '2031-05-01T00:00:00.001Z',
      '2031-05-01T00:00:00.001Z',
      '2031-05-01T00:00:01.000Z',
      '2032-01-01T00:00:00.000Z',
    ];
    // Random parts that would sort backwards if the time part did not decide.
    const ids = times.map((time, i) => newPaymentId(new Date(time), (size) => Buffer.alloc(size, 31 - i)));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never go back when the clock does, within one process', () => {
    const later = newPaymentId(new Date('2040-01-01T00:00:00.000Z'), zeros);
    const earlierClock = newPaymentId(new Date('2039-01-01T00:00:00.000Z'), zeros);
    expect(earlierClock > later).toBe(true);
  });

  it.each([['pay_1'], ['PAY_0000000000000000000000000a'], ['pay_000000000000000000000000il'], ['x'.repeat(1_100)], [undefined], [42]])(
    'refuses %j',
    (value) => {
      expect(isPaymentId(value)).toBe(false);
    },
  );
});
