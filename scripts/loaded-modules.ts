/** What loading one entry point pulled in: the package's own files and the other packages, by name. */
export interface LoadedModules {
  /** Files of the package itself, relative to its folder (`dist/cjs/idempotency/index.js`). */
  readonly packageFiles: readonly string[];
  /** Every other package a loaded file belongs to (`@aws-sdk/client-dynamodb`, `aws-cdk-lib`). */
  readonly packages: readonly string[];
}

/** Sorts loaded file paths into the package's own files (under `packageDir`) and other packages' names. */
export function classifyLoaded(files: readonly string[], packageDir: string): LoadedModules {
  const prefix = packageDir.replace(/\/?$/, '/');
  const packageFiles = new Set<string>();
  const packages = new Set<string>();
  for (const file of files) {
    if (file.startsWith(prefix)) {
      packageFiles.add(file.slice(prefix.length));
      continue;
    }
    const at = file.lastIndexOf('/node_modules/');
    if (at === -1) continue;
    const [scopeOrName, name] = file.slice(at + '/node_modules/'.length).split('/');
    if (scopeOrName) packages.add(scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName);
  }
  return { packageFiles: [...packageFiles].sort(), packages: [...packages].sort() };
}

/** What an entry must not load: package names (a trailing `/` matches a scope), and its own files outside `allowedFiles`. */
export interface LoadRule {
  readonly forbiddenPackages: readonly string[];
  /** Patterns every one of the package's own loaded files must match; absent: any. */
  readonly allowedFiles?: readonly RegExp[];
}

/** The rules the issue sets: the root loads no SDK and no CDK; `./cdk` loads no runtime code. */
export const LOAD_RULES: Readonly<Record<string, LoadRule>> = {
  '.': { forbiddenPackages: ['@aws-sdk/', '@smithy/', 'aws-cdk-lib', 'constructs'] },
  // Atomic completion is its own entry: a handler that does not import it needs no util-dynamodb.
  './dynamodb': { forbiddenPackages: ['aws-cdk-lib', 'constructs', '@aws-sdk/util-dynamodb'] },
  './dynamodb-transactions': { forbiddenPackages: ['aws-cdk-lib', 'constructs'] },
  './cdk': {
    forbiddenPackages: ['@aws-sdk/', '@smithy/'],
    // schema.ts and table-layout.ts are import-free descriptions of the table, shared by the store and the grant.
    // durable/dispatcher-settings.ts is the import-free agreement between the DurableDispatcher construct and its handler.
    allowedFiles: [
      /^dist\/(esm|cjs)\/idempotency\/(schema|table-layout|core\/validate|durable\/dispatcher-settings)\.js$/,
      /^dist\/(esm|cjs)\/cdk\/[^/]+\.js$/,
    ],
  },
  './testing': { forbiddenPackages: ['@aws-sdk/', '@smithy/', 'aws-cdk-lib', 'constructs'] },
  './codecs': { forbiddenPackages: ['@aws-sdk/', '@smithy/', 'aws-cdk-lib', 'constructs'] },
  './encryption': { forbiddenPackages: ['@aws-sdk/', '@smithy/', 'aws-cdk-lib', 'constructs'] },
  // The KMS client is an optional peer, loaded on the provider's first call: importing the entry loads none of it.
  './kms': { forbiddenPackages: ['@aws-sdk/', '@smithy/', 'aws-cdk-lib', 'constructs'] },
  // The durable wrapper reads the SDK's types only: a durable function brings the SDK, the package loads none of it.
  './durable': { forbiddenPackages: ['@aws-sdk/', '@smithy/', '@aws/durable-execution-sdk-js', 'aws-cdk-lib', 'constructs'] },
  './dispatcher': { forbiddenPackages: ['@aws-sdk/client-dynamodb', 'aws-cdk-lib', 'constructs'] },
};

/** What breaks `rule` in `loaded`, one sentence each; empty when nothing does. */
export function loadViolations(loaded: LoadedModules, rule: LoadRule): string[] {
  const forbidden = loaded.packages.filter((name) => rule.forbiddenPackages.some((banned) => (banned.endsWith('/') ? name.startsWith(banned) : name === banned)));
  const strayFiles = rule.allowedFiles === undefined ? [] : loaded.packageFiles.filter((file) => !rule.allowedFiles!.some((pattern) => pattern.test(file)));
  return [...forbidden.map((name) => `loads ${name}`), ...strayFiles.map((file) => `loads the package's ${file}`)];
}
