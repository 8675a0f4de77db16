import { jsonDepth } from '../../lambda/payment/payment-screen';
import { isJsonContentType } from '../../lambda/payment/payment-request';

describe('jsonDepth', () => {
  it.each([
    ['{}', 1],
    ['{"a":1}', 1],
    ['{"a":[1,{"b":[]}]}', 4],
    ['{"a":"[[[[[[[[[["}', 1], // brackets inside strings do not count
    ['{"a":"\\"[[[["}', 1], // nor after an escaped quote
    ['[[[[[[[[[[]]]]]]]]]]', 10],
    ['1', 0],
  ])('of %s is %d', (json, depth) => {
    expect(jsonDepth(Buffer.from(json))).toBe(depth);
  });
});

describe('isJsonContentType', () => {
  it.each([
    'application/json',
    'APPLICATION/JSON',
    'application/json; charset=utf-8',
    'application/json;charset="UTF-8"',
    ' application/json ',
  ])('takes %j', (value) => {
    expect(isJsonContentType(value)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'text/json',
    'application/jsonp',
    'application/json; charset=latin1',
    'application/json, text/plain',
    'application/problem+json',
    'application/json; boundary=x',
  ])('refuses %j', (value) => {
    expect(isJsonContentType(value)).toBe(false);
  });
});
