import { connect } from 'node:net';
import { PAYMENT_CORS, PAYMENT_ROUTES } from '../../../lambda/payment/payment-routes';
import { FLICKER_PATH, WifiFlicker } from '../../../lib/local/demo/wifi-flicker';
import { startLocalApi } from '../../../lib/local/local-api';

const pay = (principal: string | undefined, path = '/payments') => ({ method: 'POST', path, principal });

describe('WifiFlicker, the local switch that loses one answer', () => {
  it('drops the next payment answer to the caller who armed it, once', () => {
    const flicker = new WifiFlicker();
    flicker.arm('alice');
    expect(flicker.takes(pay('bob'))).toBe(false);
    expect(flicker.takes({ method: 'GET', path: '/payments', principal: 'alice' })).toBe(false);
    expect(flicker.takes(pay('alice'))).toBe(true);
    expect(flicker.takes(pay('alice'))).toBe(false); // the retry goes through
  });

  it("drops the demonstration route's answer too, and nothing for a caller without a token", () => {
    const flicker = new WifiFlicker();
    flicker.arm('alice');
    expect(flicker.takes(pay(undefined))).toBe(false);
    expect(flicker.takes(pay('alice', '/without-idempotency/payments'))).toBe(true);
  });

  it('is armed by POST /_local/wifi-flicker with a bearer token: 204; 401 and 405 problems otherwise', () => {
    const flicker = new WifiFlicker();
    expect(flicker.route({ method: 'GET', path: '/payments', principal: 'alice' })).toBeUndefined();
    const anonymous = flicker.route({ method: 'POST', path: FLICKER_PATH, principal: undefined })!;
    expect(anonymous).toMatchObject({ status: 401, headers: { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer' } });
    expect(JSON.parse(String(anonymous.body))).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(flicker.route({ method: 'GET', path: FLICKER_PATH, principal: 'alice' })).toMatchObject({
      status: 405,
      headers: { allow: 'POST' },
    });
    expect(flicker.takes(pay('alice'))).toBe(false); // neither armed it
    expect(flicker.route({ method: 'POST', path: FLICKER_PATH, principal: 'alice' })).toEqual({ status: 204, headers: {}, body: '' });
    expect(flicker.takes(pay('alice'))).toBe(true);
  });
});

describe('the stand-in dropping an answer', () => {
  it('runs the function to the end, sends the head, then closes the connection before the body', async () => {
    let runs = 0;
    const log: string[] = [];
    const api = await startLocalApi({
      log: (line) => void log.push(line),
      handler: async () => ({ statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ran: ++runs }) }),
      routes: PAYMENT_ROUTES,
      cors: PAYMENT_CORS,
      dropResponse: (request) => request.principal === 'alice',
    });
    try {
      const { port } = new URL(api.url);
      const received = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1');
        const chunks: Buffer[] = [];
        socket.on('data', (chunk) => chunks.push(chunk));
        socket.on('error', reject);
        socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        socket.write('POST /payments HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer alice\r\nContent-Length: 0\r\n\r\n');
      });
      const [head, body] = received.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 201 Created\r\n/);
      expect(head).toMatch(/\r\ncontent-length: 9\r\n/i);
      expect(body).toBe(''); // the 9 bytes of {"ran":1} never came
      expect(runs).toBe(1);
      expect(log).toEqual([expect.stringMatching(/^POST \/payments 201 dropped \(the Wi-Fi flickered\) \d+ms$/)]);

      const next = await fetch(`${api.url}/payments`, { method: 'POST', headers: { Authorization: 'Bearer bob' } });
      expect(await next.json()).toEqual({ ran: 2 }); // only the one answer is lost
    } finally {
      await api.close();
    }
  });
});
