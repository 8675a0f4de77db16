import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { MetricName } from '../../lib/idempotency/core/metric-name';
import { acceptedOptions } from '../support/accepted-options';
import { githubSlug, headingAnchors, optionTables, relativeLinks } from '../support/markdown';

const ROOT = resolve(__dirname, '..', '..');

/** The pages a user reads on the repository: the front door, the contributors' guide and the manual. */
const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

const read = (page: string) => readFileSync(join(ROOT, page), 'utf8');

/** The links of `page` (repository-relative) that lead nowhere: a missing file, or an anchor no heading of the target has. */
function brokenLinks(page: string, markdown: string, readPage: (path: string) => string = read): string[] {
  return relativeLinks(markdown).flatMap(({ line, target }) => {
    const [path = '', anchor] = target.split('#', 2);
    const where = `${page}:${line} → ${target}`;
    if (path === '')
      return headingAnchors(markdown).has(anchor ?? '') ? [] : [`${where}: no heading with the anchor #${anchor} in ${page}`];
    const file = relative(ROOT, resolve(ROOT, dirname(page), decodeURIComponent(path)));
    if (file.startsWith('..') || !existsSync(join(ROOT, file))) return [`${where}: no file ${file}`];
    if (anchor === undefined) return [];
    if (!file.endsWith('.md') || statSync(join(ROOT, file)).isDirectory()) return [`${where}: an anchor into a page that is not Markdown`];
    return headingAnchors(readPage(file)).has(anchor) ? [] : [`${where}: no heading with the anchor #${anchor} in ${file}`];
  });
}

describe('the documentation', () => {
  it('is the README, CONTRIBUTING.md and the pages in docs/', () => {
    expect(PAGES).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/options.md']));
  });

  it.each(PAGES)('%s: every relative link reaches a file, and every #anchor a heading of it', (page) => {
    expect(brokenLinks(page, read(page))).toEqual([]);
  });

  it('docs/options.md documents exactly the options each wrapper and store accepts', () => {
    const documented = optionTables(read('docs/options.md'));
    const accepted = acceptedOptions();
    const differences = [...new Set([...accepted.keys(), ...documented.keys()])].flatMap((section) => {
      const code = new Set(accepted.get(section) ?? []);
      const page = documented.get(section) ?? [];
      return [
        ...[...code].filter((name) => !page.includes(name)).map((name) => `${section}: \`${name}\` is accepted but not documented`),
        ...page.filter((name) => !code.has(name)).map((name) => `${section}: \`${name}\` is documented but not accepted`),
        ...page.filter((name, index) => page.indexOf(name) !== index).map((name) => `${section}: \`${name}\` is documented twice`),
      ];
    });
    expect(differences).toEqual([]);
  });

  it('docs/observability.md lists every metric an invocation emits, and no other', () => {
    const listed = [...read('docs/observability.md').matchAll(/^\| `(\w+)` \|/gm)].map(([, name]) => name);
    expect([...listed].sort()).toEqual(Object.values(MetricName).sort());
  });
});

describe('the documentation checks themselves', () => {
  it("name headings' anchors as GitHub does", () => {
    expect(githubSlug('`idempotentHttp` options')).toBe('idempotenthttp-options');
    expect(githubSlug('Scope: who a key belongs to')).toBe('scope-who-a-key-belongs-to');
    expect(githubSlug('The demo page at `/`')).toBe('the-demo-page-at-');
    expect(githubSlug('Redis or DynamoDB?')).toBe('redis-or-dynamodb');
    expect(githubSlug('`new DynamoDbStore(options)`')).toBe('new-dynamodbstoreoptions');
    expect(githubSlug('Check a deployed stack: `npm run smoke`')).toBe('check-a-deployed-stack-npm-run-smoke');
    expect([...headingAnchors('# A\n## Options\n```\n## Not a heading\n```\n### Options\n')]).toEqual(['a', 'options', 'options-1']);
  });

  it('report a link to a missing file, a missing anchor, and an anchor into a file that is not Markdown', () => {
    const page = ['[gone](docs/no-such-page.md)', '[readme](README.md#no-such-heading)', '[code](package.json#main)'].join('\n');
    expect(brokenLinks('README.md', page)).toEqual([
      'README.md:1 → docs/no-such-page.md: no file docs/no-such-page.md',
      'README.md:2 → README.md#no-such-heading: no heading with the anchor #no-such-heading in README.md',
      'README.md:3 → package.json#main: an anchor into a page that is not Markdown',
    ]);
  });

  it('pass links that resolve, from a page in docs/ too, and ignore links in code and absolute ones', () => {
    const page = ['[up](../README.md)', '[self](#title)', '`[not a link](nowhere.md)`', '[web](https://example.com/x.md)', '# Title'].join(
      '\n',
    );
    expect(brokenLinks('docs/some-page.md', page)).toEqual([]);
  });

  it("read the option names of each section's option tables, and nothing from other tables", () => {
    const page = [
      '## `idempotentHttp`',
      '| option | default | meaning |',
      '|---|---|---|',
      '| `methods` | `[POST]` | which |',
      '',
      '| status | body |',
      '|---|---|',
      '| `409` | in progress |',
      '## Every wrapper',
      '| option | default |',
      '|---|---|',
      '| `now`, `sleep` | timers |',
    ].join('\n');
    expect(optionTables(page)).toEqual(
      new Map([
        ['idempotentHttp', ['methods']],
        ['Every wrapper', ['now', 'sleep']],
      ]),
    );
  });
});
