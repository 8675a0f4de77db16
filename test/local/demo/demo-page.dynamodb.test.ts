import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ownerKey } from '../../../lambda/payment/payment-items';
import { LOCAL_ISSUER } from '../../../lib/local/api-events';
import { PAYMENT_ROUTES, startLocalPaymentApi, type LocalPaymentApi } from '../../../lib/local/local-payment-api';
import { launchChromium } from '../../support/chromium';
import { scanAll, testClient } from '../../support/dynamodb';
import { paymentClient } from '../../support/payment-api-client';
import { recordingLogger } from '../../support/silent-logger';

// What these tests read of the page, inside the browser (the project compiles without the DOM library).
interface Item {
  id: string;
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  disabled?: boolean;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { right: number };
}
declare const document: {
  body: Item;
  activeElement: { id: string } | null;
  documentElement: { scrollWidth: number };
  head: { append(node: unknown): void };
  createElement(tag: 'script'): { src: string };
  addEventListener(type: 'securitypolicyviolation', listener: (event: { blockedURI: string }) => void): void;
};

/** Where the run leaves its screenshot of the page after the flicker (git-ignored; docs/example.md names it). */
const FLICKER_SCREENSHOT = '.local/screenshots/demo-after-flicker.png';

// A browser on a machine shared with other test runs: generous bounds, never timing assertions.
jest.setTimeout(120_000);
const SCENARIO_MS = 60_000;

const client = testClient();
let api: LocalPaymentApi;
let origin: string;
let browser: Browser;
let context: BrowserContext;
const foreign: string[] = [];
/** Origins a test's pages may reach besides the stand-in's (the CORS test's other origin). */
const alsoAllowed: string[] = [];

beforeAll(async () => {
  api = await startLocalPaymentApi({
    client,
    demo: true,
    idempotency: { logger: recordingLogger() },
    idempotencyTable: `idem-${randomUUID()}`,
    ledgerTable: `ledger-${randomUUID()}`,
  });
  // 127.0.0.1, not localhost: Chromium may try ::1 first, and the stand-in listens on 127.0.0.1.
  origin = api.url.replace('localhost', '127.0.0.1');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});
beforeEach(async () => {
  context = await browser.newContext();
  context.on('request', (request) => {
    const allowed = [origin, ...alsoAllowed].some((o) => request.url().startsWith(`${o}/`));
    if (!allowed && !request.url().startsWith('data:')) foreign.push(request.url());
  });
});
afterEach(async () => {
  await context.close();
  // Nothing external: every request the page made went to the stand-in's own origin.
  alsoAllowed.splice(0);
  expect(foreign.splice(0)).toEqual([]);
});

/** The page as a new visitor (their own ledger), ready once its first ledger read ended. */
async function visit(width = 1024): Promise<{ page: Page; who: string }> {
  const who = `visitor-${randomUUID().slice(0, 8)}`;
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${origin}/?as=${who}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  return { page, who };
}

/** Clicks and waits (bounded, generously) until the page's scenario has finished. */
async function run(page: Page, button: string): Promise<void> {
  const before = Number(await page.evaluate(() => document.body.dataset.finished));
  await page.click(button);
  await page.waitForFunction((n) => Number(document.body.dataset.finished) > n, before, { timeout: SCENARIO_MS });
}

const text = (page: Page, selector: string) => page.locator(selector).innerText();
/** Each attempt of the timeline: its `data-*` (outcome, status, replayed) and its text. */
const timeline = (page: Page): Promise<Record<string, string | undefined>[]> =>
  page
    .locator('#timeline li')
    .evaluateAll((items) => (items as unknown as Item[]).map((li) => ({ ...li.dataset, text: li.textContent ?? '' })));

/** What the ledger table holds for a visitor: each payment, with how often the gateway was asked to charge it. */
async function ledgerOf(who: string): Promise<{ amount: number; status: string; chargeAttempts: number }[]> {
  const items = (await scanAll(client, api.ledgerTable)).map((item) => unmarshall(item));
  const payments = items.filter((item) => item.pk === ownerKey(`sub:${LOCAL_ISSUER}#${who}`) && String(item.sk).startsWith('PAYMENT#'));
  return payments.map((payment) => ({
    amount: payment.amount,
    status: payment.status,
    chargeAttempts: items.find((item) => item.pk === `CHARGE#${payment.downstreamKey}`)?.attempts ?? 0,
  }));
}
const ledgerRows = (page: Page) => page.locator('#ledger li').allInnerTexts();

describe('the browser demo at / (headless Chromium)', () => {
  it('pays $100 through a Wi-Fi flicker: the retry with the same key is replayed, and the card is charged once', async () => {
    const { page, who } = await visit();
    await page.check('#flicker');
    await run(page, '#pay');

    const attempts = await timeline(page);
    expect(attempts.map((a) => a.outcome)).toEqual(['network-error', 'answered']);
    expect(attempts[1]).toMatchObject({ status: '201', replayed: 'true' });
    expect(attempts[0]!.text).toContain('network error');
    expect(attempts[1]!.text).toContain('Idempotent-Replayed: true');
    // What happened to the card first, then what HTTP said.
    expect(await text(page, '#verdict')).toBe(
      'Pay $100: the card was charged once ($100.00). HTTP: 201 Created, replayed, after 2 attempts.',
    );
    expect(await text(page, '#ledger-summary')).toBe(`All charges to ${who} so far, every demonstration: 1 charge · total $100.00`);
    expect(await ledgerRows(page)).toEqual([expect.stringContaining('$100.00 · succeeded')]);
    expect(await ledgerOf(who)).toEqual([{ amount: 10000, status: 'succeeded', chargeAttempts: 1 }]);

    mkdirSync(dirname(FLICKER_SCREENSHOT), { recursive: true });
    await page.screenshot({ path: FLICKER_SCREENSHOT, fullPage: true });
  });

  it('retries a 503 with Retry-After with the same key, and stops at a 5xx without it', async () => {
    const { page, who } = await visit();
    // The stand-in's function answers 503 only when the gateway fails, which a $100 tok_visa payment
    // never does: the page's first attempts get a 503 made in the browser, the others reach the API.
    const keys: string[] = [];
    let fake: { status: number; headers: Record<string, string> } | undefined = { status: 503, headers: { 'Retry-After': '1' } };
    await page.route(`${origin}/payments`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key']!);
      const answer = fake;
      fake = undefined;
      if (!answer) return route.continue();
      await route.fulfill({
        ...answer,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: answer.status, title: 'Unavailable' }),
      });
    });
    await run(page, '#pay');
    expect((await timeline(page)).map((a) => [a.status, a.text?.includes('Retry-After: 1')])).toEqual([
      ['503', true],
      ['201', false],
    ]);
    expect(new Set(keys).size).toBe(1);
    expect(keys).toHaveLength(2);

    fake = { status: 500, headers: {} };
    await run(page, '#pay');
    expect((await timeline(page)).map((a) => a.status)).toEqual(['500']);
    expect(await text(page, '#verdict')).toBe('Pay $100: the card was not charged. HTTP: 500 Internal Server Error, after 1 attempt.');
    expect(await ledgerOf(who)).toEqual([{ amount: 10000, status: 'succeeded', chargeAttempts: 1 }]);
  });

  it('fires two requests at once with one key on a double click: one charge, both answers equal', async () => {
    const { page, who } = await visit();
    await run(page, '#double');

    const attempts = await timeline(page);
    expect(attempts.filter((a) => a.status === '201')).toHaveLength(2);
    expect(attempts.filter((a) => a.replayed === 'true')).toHaveLength(1);
    // The two requests race to the claim: either may be the one that runs, and the other replays it.
    expect([
      'Double click: the card was charged once ($100.00). HTTP: both answers equal (201 Created and 201 Created, replayed).',
      'Double click: the card was charged once ($100.00). HTTP: both answers equal (201 Created, replayed and 201 Created).',
    ]).toContain(await text(page, '#verdict'));
    expect(await text(page, '#ledger-summary')).toBe(`All charges to ${who} so far, every demonstration: 1 charge · total $100.00`);
    expect(await ledgerOf(who)).toEqual([{ amount: 10000, status: 'succeeded', chargeAttempts: 1 }]);
  });

  it('shows the failure without the key ($200 charged through one flicker), then the same with the toolkit ($100)', async () => {
    const { page, who } = await visit();
    await run(page, '#compare');

    expect(await text(page, '#without')).toBe('charged twice: $200.00 for one $100 ticket');
    expect(await text(page, '#with')).toBe('charged once: $100.00 for one $100 ticket');
    const attempts = await timeline(page);
    expect(attempts.map((a) => [a.outcome, a.status, a.replayed])).toEqual([
      ['network-error', undefined, undefined],
      ['answered', '201', 'absent'], // without the toolkit: a second, fresh charge
      ['network-error', undefined, undefined],
      ['answered', '201', 'true'], // with it: the first answer, replayed
    ]);
    expect(await text(page, '#ledger-summary')).toBe(`All charges to ${who} so far, every demonstration: 3 charges · total $300.00`);
    const held = await ledgerOf(who);
    expect(held).toHaveLength(3);
    expect(held.every((p) => p.amount === 10000 && p.status === 'succeeded' && p.chargeAttempts === 1)).toBe(true);
  });

  it('lists every charge in the ledger, past one page of 100, with the total', async () => {
    const who = `visitor-${randomUUID().slice(0, 8)}`;
    const shop = paymentClient(origin);
    for (let batch = 0; batch < 17; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => shop.pay(who, randomUUID(), { amount: 100, currency: 'USD', source: 'tok_visa' })),
      );
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
    }
    const page = await context.newPage();
    await page.goto(`${origin}/?as=${who}`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');

    expect(await text(page, '#ledger-summary')).toBe(`All charges to ${who} so far, every demonstration: 102 charges · total $102.00`);
    expect(await page.locator('#ledger li').count()).toBe(102);
  });

  it('is operable with the keyboard alone: Tab to the switch, Space, Tab to Pay, Enter', async () => {
    const { page, who } = await visit();
    const focused = () => page.evaluate(() => document.activeElement?.id);
    for (let i = 0; i < 20 && (await focused()) !== 'flicker'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('flicker');
    await page.keyboard.press('Space');
    expect(await page.isChecked('#flicker')).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('pay');
    const before = Number(await page.evaluate(() => document.body.dataset.finished));
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => Number(document.body.dataset.finished) > n, before, { timeout: SCENARIO_MS });

    expect((await timeline(page)).map((a) => a.outcome)).toEqual(['network-error', 'answered']);
    expect(await ledgerOf(who)).toEqual([{ amount: 10000, status: 'succeeded', chargeAttempts: 1 }]);
  });

  it('keeps the keyboard focus on Pay $100 through a payment, twice in a row, and Tab then goes on to Double click', async () => {
    const { page, who } = await visit();
    const focused = () => page.evaluate(() => document.activeElement?.id);
    await page.check('#flicker');
    for (let i = 0; i < 20 && (await focused()) !== 'pay'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('pay');

    for (const payments of [1, 2]) {
      const before = Number(await page.evaluate(() => document.body.dataset.finished));
      await page.keyboard.press('Enter');
      // While busy the button says so (aria-disabled), and is never disabled: a disabled button drops the focus.
      expect(
        await page.locator('#pay').evaluate((b) => [(b as unknown as Item).disabled, (b as unknown as Item).getAttribute('aria-disabled')]),
      ).toEqual([false, 'true']);
      await page.waitForFunction((n) => Number(document.body.dataset.finished) > n, before, { timeout: SCENARIO_MS });
      expect(await focused()).toBe('pay');
      expect(await page.locator('#pay').getAttribute('aria-disabled')).toBe('false');
      expect(await text(page, '#verdict')).toBe(
        'Pay $100: the card was charged once ($100.00). HTTP: 201 Created, replayed, after 2 attempts.',
      );
      expect(await ledgerOf(who)).toHaveLength(payments);
    }
    expect(await ledgerOf(who)).toEqual([
      { amount: 10000, status: 'succeeded', chargeAttempts: 1 },
      { amount: 10000, status: 'succeeded', chargeAttempts: 1 },
    ]);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('double');
  });

  it('ignores presses while a payment runs: Enter twice quickly is one payment', async () => {
    const { page, who } = await visit();
    await page.focus('#pay');
    const before = Number(await page.evaluate(() => document.body.dataset.finished));
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter'); // while the first is in flight: ignored, not queued
    await page.waitForFunction((n) => Number(document.body.dataset.finished) > n, before, { timeout: SCENARIO_MS });
    await page.locator('#refresh').click();
    await page.waitForFunction((n) => Number(document.body.dataset.finished) > n + 1, before, { timeout: SCENARIO_MS });
    expect(await ledgerOf(who)).toHaveLength(1);
    expect(await page.evaluate(() => document.body.dataset.finished)).toBe(String(before + 2));
  });

  it('tells the story in plain words: who you are, what the switch does, and the result of each demonstration', async () => {
    const { page, who } = await visit();
    const intro = await text(page, '.who');
    expect(intro).toBe(`You pay as ${who}, a name made up for this browser tab: the ledger below is yours alone.`);
    expect(intro).not.toMatch(/bearer|token|identity/i);
    expect(await text(page, 'label.switch')).toContain('while on, every payment loses its first answer after the card was charged');

    await page.check('#flicker');
    await run(page, '#pay');
    expect(await text(page, '#verdict')).toMatch(/^Pay \$100: the card was charged once/);
    // The demonstration without the key replaces the result of Pay $100 with its own.
    await run(page, '#compare');
    expect(await text(page, '#verdict')).toBe(
      'Without the key: the card was charged twice ($200.00) for one $100 ticket. With the key: charged once ($100.00).',
    );
    // The ledger counts every demonstration together, and says so.
    expect(await text(page, '#ledger-summary')).toBe(`All charges to ${who} so far, every demonstration: 4 charges · total $400.00`);
  });

  it('is readable at 320 px wide: nothing scrolls sideways, every button fits', async () => {
    const { page } = await visit(320);
    await page.check('#flicker');
    await run(page, '#pay'); // the timeline's longest lines
    await run(page, '#compare');

    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(320);
    const rights = await page
      .locator('button')
      .evaluateAll((buttons) => (buttons as unknown as Item[]).map((b) => b.getBoundingClientRect().right));
    expect(rights).toHaveLength(5);
    for (const right of rights) expect(right).toBeLessThanOrEqual(320);
  });

  it('loads nothing from elsewhere: its Content-Security-Policy allows only its own origin', async () => {
    const response = await fetch(`${origin}/`);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const { page } = await visit();
    // An external script, inserted anyway, is refused by the policy before any request leaves.
    const refused = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          document.addEventListener('securitypolicyviolation', (event) => resolve(event.blockedURI));
          const script = document.createElement('script');
          script.src = 'https://cdn.example.com/tracker.js';
          document.head.append(script);
        }),
    );
    expect(refused).toBe('https://cdn.example.com/tracker.js');
    expect(foreign.splice(0)).toEqual(['https://cdn.example.com/tracker.js']); // asked for, and refused
  });
});

describe('CORS, as the deployed HTTP API has it', () => {
  it('lets a page of another origin read Idempotent-Replayed from script', async () => {
    // Another origin on 127.0.0.1: a blank page whose script calls the stand-in across origins.
    const other = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>shop</title>'),
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const shop = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      alsoAllowed.push(shop);
      const page = await context.newPage();
      await page.goto(`${shop}/`);
      const seen = await page.evaluate(async (api) => {
        const init = {
          method: 'POST',
          headers: { Authorization: 'Bearer cors-shopper', 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
          body: '{"amount":10000,"currency":"USD","source":"tok_visa"}',
        };
        const answers = [];
        for (const _ of [1, 2]) {
          const response = await fetch(`${api}/payments`, init);
          answers.push({
            status: response.status,
            replayed: response.headers.get('Idempotent-Replayed'),
            location: response.headers.get('Location'),
          });
        }
        return answers;
      }, origin);
      expect(seen).toEqual([
        { status: 201, replayed: null, location: expect.stringMatching(/^\/payments\/pay_/) },
        { status: 201, replayed: 'true', location: seen[0]!.location },
      ]);
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe('the demo is local only', () => {
  it('is not served without `demo: true`, and the deployed routes have none of it', async () => {
    const plain = await startLocalPaymentApi({ client, idempotencyTable: `idem-${randomUUID()}`, ledgerTable: `ledger-${randomUUID()}` });
    try {
      const auth = { Authorization: 'Bearer alice', 'Content-Type': 'application/json' };
      expect((await fetch(`${plain.url}/`)).status).toBe(404);
      expect((await fetch(`${plain.url}/_local/wifi-flicker`, { method: 'POST', headers: auth })).status).toBe(404);
      expect(
        (
          await fetch(`${plain.url}/without-idempotency/payments`, {
            method: 'POST',
            headers: auth,
            body: '{"amount":10000,"currency":"USD","source":"tok_visa"}',
          })
        ).status,
      ).toBe(404);
    } finally {
      await plain.close();
    }
    expect(PAYMENT_ROUTES.map((route) => route.resource)).toEqual(['/payments', '/payments', '/payments/{id}']);
  });
});
