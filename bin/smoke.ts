import { consoleOutput } from '../lib/smoke/output';
import { runSmokeCli } from '../lib/smoke/smoke-cli';

/** `npm run smoke -- [<api-url>] [options]`: the deploy guide's checks against a deployed (or local) payment API. */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The first Ctrl-C stops between steps and still deletes the throwaway users; a second one quits at once.
const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort();
  process.once('SIGINT', () => process.exit(130));
});

runSmokeCli(process.argv.slice(2), { out: consoleOutput, signal: interrupt.signal }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
