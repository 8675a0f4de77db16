import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ENTRIES } from '../../scripts/entries';

const ROOT = resolve(__dirname, '..', '..');

/** Every TypeScript source under `dir` (relative to the repository), recursively. */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

// `import … from '…'`, `export … from '…'`, `import '…'` (type-only imports count: a circle of types is a circle of concepts).
const SPECIFIER = /^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm;

/** The repository files each file of lib/ imports (relative specifiers only), computed from the sources. */
function importGraph(): Map<string, string[]> {
  const files = [...sources('lib'), ...sources('lambda')];
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets: string[] = [];
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2]!;
      if (!specifier.startsWith('.')) continue;
      const base = relative(ROOT, resolve(ROOT, dirname(file), specifier));
      const target = [`${base}.ts`, `${base}/index.ts`].find((candidate) => known.has(candidate));
      if (target) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Every import circle, each as the files on it (Tarjan's strongly connected components of more than one file, or a self-import). */
function circles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    order.set(file, index);
    low.set(file, index++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!order.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, order.get(target)!));
    }
    if (low.get(file) !== order.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.includes(file)) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!order.has(file)) visit(file);
  return found;
}

const graph = importGraph();
const importsOf = (file: string) => graph.get(file) ?? [];
const under = (folder: string) => [...graph.keys()].filter((file) => file.startsWith(`${folder}/`));
/** Files that import nothing of the repository, or only such files: what the CDK side may read. */
const importFree = (file: string, seen = new Set<string>()): boolean =>
  importsOf(file).every((target) => !seen.has(target) && importFree(target, new Set([...seen, file])));

describe('imports point one way (computed from the sources)', () => {
  it('form no circle anywhere in lib/ or lambda/', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('leave the leaves alone: errors.ts and schema.ts import nothing, table-layout.ts only schema.ts', () => {
    expect(importsOf('lib/idempotency/errors.ts')).toEqual([]);
    expect(importsOf('lib/idempotency/schema.ts')).toEqual([]);
    expect(importsOf('lib/idempotency/table-layout.ts')).toEqual(['lib/idempotency/schema.ts']);
  });

  it('keep the package cdk entry file with the CDK code', () => {
    expect(`lib/${ENTRIES['./cdk']}.ts`).toMatch(/^lib\/cdk\//);
  });

  it('let lib/cdk and lib/infra read only import-free modules outside their own folders', () => {
    const offending = [...under('lib/cdk'), ...under('lib/infra')].flatMap((file) =>
      importsOf(file)
        .filter((target) => !target.startsWith(`${file.split('/').slice(0, 2).join('/')}/`) && !importFree(target))
        .map((target) => `${file} -> ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('keep adapters apart: none imports another (webhook -> http aside), and middy no sources/, durable/ none either', () => {
    const adapters = ['sources', 'http', 'webhook', 'middy', 'durable'];
    const offending = adapters.flatMap((adapter) =>
      under(`lib/idempotency/${adapter}`).flatMap((file) =>
        importsOf(file)
          .filter((target) =>
            adapters.some(
              (other) =>
                other !== adapter && target.startsWith(`lib/idempotency/${other}/`) && !(adapter === 'webhook' && other === 'http'),
            ),
          )
          .map((target) => `${file} -> ${target}`),
      ),
    );
    expect(offending).toEqual([]);
  });

  it('keep core/ below the adapters (durable/ too) and the stores, and the stores apart from the adapters', () => {
    const above = ['sources', 'http', 'webhook', 'middy', 'durable', 'stores', 'testing'].map((folder) => `lib/idempotency/${folder}/`);
    const fromCore = under('lib/idempotency/core').flatMap((file) =>
      importsOf(file)
        .filter((target) => above.some((folder) => target.startsWith(folder)))
        .map((target) => `${file} -> ${target}`),
    );
    const adapters = above.slice(0, 5);
    const fromStores = under('lib/idempotency/stores').flatMap((file) =>
      importsOf(file)
        .filter((target) => adapters.some((folder) => target.startsWith(folder)))
        .map((target) => `${file} -> ${target}`),
    );
    expect([...fromCore, ...fromStores]).toEqual([]);
  });

  it("keep each adapter's defaults beside it: core's defaults name no adapter", async () => {
    const { DEFAULTS } = await import('../../lib/idempotency/core/defaults');
    expect(Object.keys(DEFAULTS).filter((key) => /^(http|sqs|fifo|webhook|problem)/i.test(key))).toEqual([]);
  });
});
