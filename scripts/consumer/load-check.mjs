// `node load-check.mjs <entry>`: import() one entry in a fresh process; print its export names and
// every file loaded while doing so (ES modules through a resolve hook, CommonJS from require.cache).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const log = join(tmpdir(), `load-check-${process.pid}.log`);
writeFileSync(log, '');
process.env.LOAD_CHECK_LOG = log;
register('./load-hooks.mjs', import.meta.url);

const entry = process.argv[2];
const loaded = await import(entry);
const esm = readFileSync(log, 'utf8').split('\n').filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url));
const cjs = Object.keys(createRequire(import.meta.url).cache);
process.stdout.write(JSON.stringify({ exports: Object.keys(loaded).sort(), files: [...new Set([...esm, ...cjs])] }));
