import { canonicalCurrency, ISO_4217_ACTIVE } from '../../lambda/payment/iso-4217';

describe('ISO 4217 currencies', () => {
  it('holds the 178 active codes of List One, three capitals each', () => {
    expect(ISO_4217_ACTIVE.size).toBe(178);
    for (const code of ISO_4217_ACTIVE) expect(code).toMatch(/^[A-Z]{3}$/);
    for (const code of ['EUR', 'USD', 'JPY', 'XCG', 'ZWG', 'SLE']) expect(ISO_4217_ACTIVE.has(code)).toBe(true);
    for (const code of ['BGN', 'ANG', 'CUC', 'HRK', 'SLL', 'ZWL', 'DEM']) expect(ISO_4217_ACTIVE.has(code)).toBe(false);
  });

  it.each([
    ['usd', 'USD'],
    ['Usd', 'USD'],
    ['EUR', 'EUR'],
  ])('reads %j as %j', (given, canonical) => {
    expect(canonicalCurrency(given)).toBe(canonical);
  });

  // The long s and the dotless i upper-case to ASCII letters; the fullwidth forms are not ASCII either.
  it.each(['uſd', 'ınr', 'ＵＳＤ', 'ZZZ', 'US', 'USDD', '', 'u d', null, 840])('refuses %j', (value) => {
    expect('uſd'.toUpperCase()).toBe('USD'); // the trap this guards against
    expect(canonicalCurrency(value)).toBeUndefined();
  });
});
