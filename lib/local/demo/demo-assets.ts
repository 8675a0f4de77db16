import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalAnswer, LocalRouteRequest } from '../local-api';

/** The page's files, by path: plain HTML, CSS and JavaScript, no build step. */
const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/demo.css': { file: 'demo.css', type: 'text/css; charset=utf-8' },
  '/demo.js': { file: 'demo.js', type: 'text/javascript; charset=utf-8' },
};

/**
 * Nothing but this origin: no external font, script or image can load, even by mistake, and no
 * inline script runs.
 */
export const DEMO_CSP = "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Serves the demo page (`GET /`, `/demo.css`, `/demo.js`), read from disk on each request so edits show on reload. */
export function demoAsset(request: LocalRouteRequest, folder = __dirname): LocalAnswer | undefined {
  const asset = request.method === 'GET' ? ASSETS[request.path] : undefined;
  if (!asset) return undefined;
  const headers = {
    'content-type': asset.type,
    'content-security-policy': DEMO_CSP,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
  return { status: 200, headers, body: readFileSync(join(folder, asset.file)) };
}
