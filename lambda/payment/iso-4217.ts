/**
 * ISO 4217 List One, the active currency and funds codes (178), as SIX publishes it for ISO and the
 * datasets/currency-codes package consolidates it (data/codes-all.csv of 2026-02-01: codes without a
 * withdrawal date). Bulgaria's BGN (euro since 2026), ANG (replaced by XCG) and CUC are withdrawn.
 * Update it when ISO amends the list; a withdrawn code then answers 400, as an unknown one does.
 */
const ACTIVE_CODES = `
  AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD
  BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK
  DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF
  IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP
  LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD
  NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD
  SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD
  TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAD XAF XAG XAU XBA
  XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG
`;

/** The active ISO 4217 alphabetic codes, in capitals. */
export const ISO_4217_ACTIVE: ReadonlySet<string> = new Set(ACTIVE_CODES.split(/\s+/).filter(Boolean));

// Three ASCII letters, checked before any case mapping: `'uſd'.toUpperCase()` is 'USD' and
// `'ınr'.toUpperCase()` is 'INR' (the long s and the dotless i map onto ASCII capitals), so mapping
// first and checking after would let those spellings through.
const THREE_ASCII_LETTERS = /^[A-Za-z]{3}$/;

/**
 * The canonical (capital) form of an active ISO 4217 code given in either case (`"usd"` as Stripe
 * writes it, `"USD"` as ISO does), or `undefined` for anything else.
 */
export function canonicalCurrency(value: unknown): string | undefined {
  if (typeof value !== 'string' || !THREE_ASCII_LETTERS.test(value)) return undefined;
  const code = value.toUpperCase();
  return ISO_4217_ACTIVE.has(code) ? code : undefined;
}
