// `node load-check.cjs <entry>`: require() one entry in a fresh process; print its export names and
// every file loaded while doing so.
const entry = process.argv[2];
const loaded = require(entry);
process.stdout.write(JSON.stringify({ exports: Object.keys(loaded).sort(), files: Object.keys(require.cache) }));
