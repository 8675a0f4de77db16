// The flaky Wi-Fi payment, in the browser: plain JavaScript, no build step, same origin as the API.
'use strict';

const PAYMENT = { amount: 10000, currency: 'USD', source: 'tok_visa' }; // $100, in cents
const MAX_ATTEMPTS = 5;
const MAX_WAIT_MS = 5000;
const STATUS_TEXT = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const $ = (id) => document.getElementById(id);
const principal = whoAmI();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `?as=name` picks the caller; otherwise one random visitor per tab, so each tab has its own ledger. */
function whoAmI() {
  const asked = new URLSearchParams(location.search).get('as');
  if (asked && /^[\w.@-]{1,64}$/.test(asked)) return asked;
  const saved = sessionStorage.getItem('demo-principal');
  if (saved) return saved;
  const fresh = `visitor-${uuid().slice(0, 8)}`;
  sessionStorage.setItem('demo-principal', fresh);
  return fresh;
}

/** A random UUID v4 (crypto.randomUUID needs a secure context; getRandomValues does not). */
function uuid() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const clock = (date) => date.toLocaleTimeString('en-GB', { hour12: false }) + '.' + String(date.getMilliseconds()).padStart(3, '0');
const money = (minor, currency) => new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 100);
const auth = () => ({ Authorization: `Bearer ${principal}` });

/** One line of the timeline: sent first, then what happened. */
function addAttempt(label, attempt, sentAt) {
  const item = document.createElement('li');
  item.dataset.outcome = 'pending';
  const time = document.createElement('span');
  time.className = 'time';
  time.textContent = clock(sentAt);
  const text = document.createElement('span');
  text.textContent = ` ${label}, attempt ${attempt}: sent… `;
  const outcome = document.createElement('span');
  item.append(time, text, outcome);
  $('timeline').append(item);
  return (result, elapsedMs) => {
    text.textContent = ` ${label}, attempt ${attempt}: sent → `;
    if (!result.answered) {
      item.dataset.outcome = 'network-error';
      outcome.className = 'outcome-network';
      outcome.textContent = `network error, no answer (${result.error}) · ${elapsedMs} ms`;
      return;
    }
    item.dataset.outcome = 'answered';
    item.dataset.status = String(result.status);
    item.dataset.replayed = result.replayed ?? 'absent';
    outcome.className = result.replayed === 'true' ? 'outcome-replayed' : result.retryAfter ? 'outcome-retry' : '';
    const retry = result.retryAfter ? ` · Retry-After: ${result.retryAfter}` : '';
    outcome.textContent = `${result.status} ${STATUS_TEXT[result.status] ?? ''} · Idempotent-Replayed: ${result.replayed ?? '—'}${retry} · ${elapsedMs} ms`;
  };
}

/** One request; a network error (the connection dropped) is a result too. */
async function attempt(path, key, label, n) {
  const sentAt = new Date();
  const settle = addAttempt(label, n, sentAt);
  const headers = { ...auth(), 'Content-Type': 'application/json', ...(key && { 'Idempotency-Key': key }) };
  let result;
  try {
    const response = await fetch(path, { method: 'POST', headers, body: JSON.stringify(PAYMENT) });
    const text = await response.text(); // the body too: a connection may drop after the head
    result = {
      answered: true,
      status: response.status,
      replayed: response.headers.get('Idempotent-Replayed'),
      retryAfter: response.headers.get('Retry-After'),
      text,
    };
  } catch (error) {
    result = { answered: false, error: error instanceof Error ? error.message : String(error) };
  }
  settle(result, Date.now() - sentAt.getTime());
  return result;
}

/** What a good client does: the same key on every retry, after a network error or a 5xx/409 with Retry-After. */
async function payWithRetries(path, key, label) {
  for (let n = 1; ; n++) {
    const result = await attempt(path, key, label, n);
    const retryable = !result.answered || ((result.status >= 500 || result.status === 409) && result.retryAfter);
    if (!retryable || n === MAX_ATTEMPTS) return { ...result, attempts: n };
    const seconds = Number(result.retryAfter);
    await sleep(result.answered && Number.isFinite(seconds) ? Math.min(seconds * 1000, MAX_WAIT_MS) : 250 * 2 ** (n - 1));
  }
}

/** The local stand-in drops the next payment answer to this caller, after the payment ran. */
async function armFlicker() {
  const response = await fetch('/_local/wifi-flicker', { method: 'POST', headers: auth() });
  if (response.status !== 204) throw new Error(`The flicker switch answered ${response.status}`);
}

/** Every payment of this caller, page after page (`GET /payments` is paginated, at most 100 a page). */
async function ledger() {
  const payments = [];
  let query = '?limit=100';
  for (let page = 0; page < 50; page++) {
    const response = await fetch(`/payments${query}`, { headers: auth() });
    if (!response.ok) throw new Error(`GET /payments answered ${response.status}`);
    const list = await response.json();
    payments.push(...list.data);
    if (!list.has_more || list.data.length === 0) break;
    query = `?limit=100&starting_after=${encodeURIComponent(list.data[list.data.length - 1].id)}`;
  }
  return payments;
}

const charged = (payments) => payments.filter((p) => p.status === 'succeeded');

function totals(payments) {
  const sums = new Map();
  for (const p of charged(payments)) sums.set(p.currency, (sums.get(p.currency) ?? 0) + p.amount);
  return sums.size === 0 ? money(0, 'USD') : [...sums].map(([currency, sum]) => money(sum, currency)).join(' + ');
}

async function refreshLedger() {
  const payments = await ledger();
  const list = $('ledger');
  list.replaceChildren(
    ...payments.map((p) => {
      const item = document.createElement('li');
      item.dataset.id = p.id;
      const what = document.createElement('span');
      what.textContent = `${money(p.amount, p.currency)} · ${p.status}`;
      const when = document.createElement('code');
      when.textContent = `${p.id} · ${new Date(p.created).toLocaleTimeString('en-GB', { hour12: false })}`;
      item.append(what, when);
      return item;
    }),
  );
  // The ledger is the caller's, so it adds up every demonstration: it says so, and whose it is.
  const count = charged(payments).length;
  $('ledger-summary').textContent =
    `All charges to ${principal} so far, every demonstration: ${count} ${count === 1 ? 'charge' : 'charges'} · total ${totals(payments)}`;
  return payments;
}

/** What HTTP said: `201 Created, replayed`. */
function describe(result) {
  if (!result.answered) return 'no answer';
  const replayed = result.replayed === 'true' ? ', replayed' : '';
  return `${result.status} ${STATUS_TEXT[result.status] ?? ''}${replayed}`;
}

const attempts = (n) => `${n} ${n === 1 ? 'attempt' : 'attempts'}`;
const timesCharged = (n) => (n === 0 ? 'not charged' : n === 1 ? 'charged once' : n === 2 ? 'charged twice' : `charged ${n} times`);
/** What happened to the card, the story's point, said before any status code. */
const card = (fresh) => `the card was ${timesCharged(fresh.length)}${fresh.length === 0 ? '' : ` (${totals(fresh)})`}`;

/** Runs a scenario and returns what it returned with the charges it made: the ledger after it, less the ledger before it. */
async function chargedDuring(run) {
  const before = new Set((await ledger()).map((p) => p.id));
  const value = await run();
  const fresh = charged(await refreshLedger()).filter((p) => !before.has(p.id));
  return { value, fresh };
}

/** Arms the flicker when the switch is on: while on, every payment loses its first answer. */
async function flickerIfOn() {
  if ($('flicker').checked) await armFlicker();
}

const scenarios = {
  async pay() {
    $('timeline').replaceChildren();
    const { value: result, fresh } = await chargedDuring(async () => {
      await flickerIfOn();
      return payWithRetries('/payments', uuid(), 'Pay $100');
    });
    $('verdict').textContent = `Pay $100: ${card(fresh)}. HTTP: ${describe(result)}, after ${attempts(result.attempts)}.`;
  },
  async double() {
    $('timeline').replaceChildren();
    const key = uuid();
    const { value, fresh } = await chargedDuring(async () => {
      await flickerIfOn();
      return Promise.all([payWithRetries('/payments', key, 'Click 1'), payWithRetries('/payments', key, 'Click 2')]);
    });
    const [first, second] = value;
    const equal = first.answered && second.answered && first.status === second.status && first.text === second.text;
    const http = `${equal ? 'both answers equal' : 'the answers differ'} (${describe(first)} and ${describe(second)})`;
    $('verdict').textContent = `Double click: ${card(fresh)}. HTTP: ${http}.`;
  },
  async compare() {
    $('timeline').replaceChildren();
    $('verdict').textContent = 'Without the key, then with it: running…';
    const without = await chargedDuring(async () => {
      await armFlicker();
      await payWithRetries('/without-idempotency/payments', undefined, 'Without the key');
    });
    $('without').textContent = `${timesCharged(without.fresh.length)}: ${totals(without.fresh)} for one $100 ticket`;
    const withKey = await chargedDuring(async () => {
      await armFlicker();
      await payWithRetries('/payments', uuid(), 'With the key');
    });
    $('with').textContent = `${timesCharged(withKey.fresh.length)}: ${totals(withKey.fresh)} for one $100 ticket`;
    // The result line tells this demonstration, not the last Pay $100.
    $('verdict').textContent =
      `Without the key: ${card(without.fresh)} for one $100 ticket. ` +
      `With the key: ${timesCharged(withKey.fresh.length)} (${totals(withKey.fresh)}).`;
  },
  async refresh() {}, // run() reads the ledger after every scenario
};

const buttons = ['pay', 'double', 'compare', 'refresh', 'clear'];
let busy = false;
let finished = 0;

/**
 * Busy or not, shown with `aria-disabled`, never `disabled`: disabling the focused button would drop
 * the keyboard focus to <body>, so the next Enter would do nothing and the next Tab start over.
 */
function setBusy(value) {
  busy = value;
  buttons.forEach((id) => $(id).setAttribute('aria-disabled', String(value)));
  document.body.dataset.busy = String(value);
}

/** One scenario at a time: a press while one runs is ignored; `data-finished` counts the runs that ended (tests wait on it). */
async function run(name) {
  if (busy) return;
  setBusy(true);
  try {
    await scenarios[name]();
    await refreshLedger();
  } catch (error) {
    $('verdict').textContent = `Something failed: ${error instanceof Error ? error.message : error}`;
  } finally {
    setBusy(false);
    document.body.dataset.finished = String(++finished);
  }
}

$('principal').textContent = principal;
$('pay').addEventListener('click', () => run('pay'));
$('double').addEventListener('click', () => run('double'));
$('compare').addEventListener('click', () => run('compare'));
$('refresh').addEventListener('click', () => run('refresh'));
$('clear').addEventListener('click', () => busy || $('timeline').replaceChildren());
setBusy(false);
document.body.dataset.finished = '0';
refreshLedger()
  .catch((error) => ($('ledger-summary').textContent = `The ledger could not be read: ${error.message}`))
  .finally(() => (document.body.dataset.ready = 'true'));
