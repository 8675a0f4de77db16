import { DEMO_CSP, demoAsset } from '../../../lib/local/demo/demo-assets';

const get = (path: string, method = 'GET') => demoAsset({ method, path, principal: undefined });

describe("the demo page's files", () => {
  it.each([
    ['/', 'text/html; charset=utf-8', '<!doctype html>'],
    ['/demo.css', 'text/css; charset=utf-8', ':root'],
    ['/demo.js', 'text/javascript; charset=utf-8', "'use strict';"],
  ])('serves %s as %s, with a policy that allows only this origin', (path, type, start) => {
    const answer = get(path)!;
    expect(answer).toMatchObject({
      status: 200,
      headers: { 'content-type': type, 'content-security-policy': DEMO_CSP, 'cache-control': 'no-store' },
    });
    expect(String(answer.body)).toContain(start);
  });

  it('passes any other path or method on to the API', () => {
    expect(get('/payments')).toBeUndefined();
    expect(get('/index.html')).toBeUndefined();
    expect(get('/../package.json')).toBeUndefined();
    expect(get('/', 'POST')).toBeUndefined();
  });

  it('names no other origin: no external font, script, style or image', () => {
    for (const path of ['/', '/demo.css', '/demo.js'])
      expect(String(get(path)!.body)).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
    expect(DEMO_CSP).toMatch(/^default-src 'self';/);
  });
});
