import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The import rules of DESIGN.md §3 as allow-lists per layer (project files and packages alike), the
// entry points held to the adapters' public surfaces, and no import cycle anywhere in src/ or scripts/.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

interface Import {
  /** Importing file, relative to the repository root (`src/core/ray-id.ts`). */
  file: string;
  specifier: string;
  /** A project file relative to the root (`src/core/errors.ts`), else the package (`zod`, `node:fs`). */
  target: string;
  typeOnly: boolean;
}

// Statements only, anchored at a line start, so an example in a comment or a string ("moved from
// "Show raw event"") is never read as an import. Type-only imports count: they are edges too.
const STATIC =
  /^[ \t]*(import|export)[ \t]+(type[ \t]+)?(?:[\w$]+[ \t]*,[ \t]*)?(?:\{[^}]*\}|\*(?:[ \t]+as[ \t]+[\w$]+)?|[\w$]+)[ \t\n]*from[ \t]*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT = /^[ \t]*import[ \t]*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every import of a TypeScript text. */
function parseImports(text: string): Array<{ specifier: string; typeOnly: boolean }> {
  const out: Array<{ specifier: string; typeOnly: boolean }> = [];
  for (const m of text.matchAll(STATIC)) {
    const whole = m[0];
    const names = whole.slice(whole.indexOf('{') + 1, whole.lastIndexOf('}'));
    const allInlineTypes =
      whole.includes('{') &&
      names
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== '')
        .every((n) => n.startsWith('type '));
    out.push({ specifier: m[3] ?? '', typeOnly: m[2] !== undefined || allInlineTypes });
  }
  for (const m of text.matchAll(SIDE_EFFECT)) out.push({ specifier: m[1] ?? '', typeOnly: false });
  for (const m of text.matchAll(DYNAMIC)) out.push({ specifier: m[1] ?? '', typeOnly: false });
  return out;
}

function importsOf(file: string): Import[] {
  return parseImports(readFileSync(file, 'utf8')).map(({ specifier, typeOnly }) => ({
    file: relative(root, file),
    specifier,
    typeOnly,
    target: specifier.startsWith('.')
      ? relative(root, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts')
      : specifier,
  }));
}

const files = [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'scripts'))];
const all = files.flatMap(importsOf);

/** `src/core/x.ts` → `core`; a root file of src → its name; a script → `scripts`. */
function layerOf(path: string): string {
  if (path.startsWith('scripts/')) return 'scripts';
  const inSrc = path.replace(/^src\//, '');
  return inSrc.includes('/') ? (inSrc.split('/')[0] ?? inSrc) : inSrc;
}

type Rule = (target: string) => boolean;
const file =
  (prefix: string): Rule =>
  (t) =>
    t.startsWith(prefix);
const exact =
  (...names: string[]): Rule =>
  (t) =>
    names.includes(t);
const nodeBuiltin: Rule = (t) => t.startsWith('node:');
const CLOUDFLARE_SURFACE = 'src/cloudflare/index.ts';
const SLACK_SURFACE = 'src/slack/index.ts';

/** What each layer may import. Anything not listed (a new layer, a new root file) fails until it is. */
const ALLOWED: Record<string, Rule[]> = {
  core: [file('src/core/'), exact('zod')],
  usecases: [file('src/usecases/'), file('src/core/')],
  cloudflare: [
    file('src/cloudflare/'),
    file('src/core/'),
    exact('undici', 'graphql', 'graphql-request', 'zod', 'lru-cache'),
    nodeBuiltin,
  ],
  slack: [
    file('src/slack/'),
    file('src/core/'),
    file('src/usecases/'),
    (t) => t.startsWith('@slack/'),
    // undici: its WebSocket carries the Socket Mode links (as @slack/socket-mode's own client does);
    // tesseract.js and image-size read Ray IDs from screenshots (src/slack/images).
    exact('zod', 'lru-cache', 'undici', 'tesseract.js', 'image-size'),
    nodeBuiltin,
  ],
  cli: [file('src/cli/'), file('src/core/')],
  sandbox: [file('src/sandbox/'), exact('graphql'), nodeBuiltin],
  // Root files: the adapters only through their public surfaces.
  'main.ts': [
    exact('src/config.ts', CLOUDFLARE_SURFACE, SLACK_SURFACE, 'dotenv', 'src/redis-connection.ts'),
    file('src/core/'),
    file('src/usecases/'),
    nodeBuiltin,
  ],
  'cli.ts': [
    exact('src/config.ts', CLOUDFLARE_SURFACE, SLACK_SURFACE, 'dotenv', 'zod'),
    file('src/core/'),
    file('src/usecases/'),
    file('src/cli/'),
    nodeBuiltin,
  ],
  'demo.ts': [
    exact(CLOUDFLARE_SURFACE, SLACK_SURFACE),
    file('src/core/'),
    file('src/usecases/'),
    file('src/cli/'),
    file('src/sandbox/'),
    nodeBuiltin,
  ],
  'config.ts': [file('src/core/'), exact('zod')],
  // The one Redis client of a replica, built by main.ts and handed to both adapters as a plain `call`.
  'redis-connection.ts': [exact('ioredis')],
  // Scripts drive the bot from outside: entry points, public surfaces, the stand-ins and test helpers.
  scripts: [
    file('scripts/'),
    exact('src/main.ts', 'src/cli.ts', CLOUDFLARE_SURFACE, SLACK_SURFACE, 'src/redis-connection.ts'),
    file('src/core/'),
    file('src/usecases/'),
    file('src/sandbox/'),
    file('test/helpers/'),
    // make-screenshots.ts draws the OCR test fixtures; bench-bare-bolt.ts is the bare Bolt app the
    // bench compares ack latency against.
    exact('@napi-rs/canvas', '@slack/bolt'),
    nodeBuiltin,
  ],
};

function violations(layer: string): string[] {
  const rules = ALLOWED[layer] ?? [];
  return all
    .filter((i) => layerOf(i.file) === layer && !rules.some((allowed) => allowed(i.target)))
    .map((i) => `${i.file} → ${i.specifier}`);
}

/** Every cycle's files, one per strongly connected component with more than one file (or a self-import). */
function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's strongly connected components; recursion depth is bounded by the longest import chain.
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    indexOf.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, indexOf.get(next) ?? 0));
      }
    }
    if (low.get(node) === indexOf.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfImport = (edges.get(node) ?? []).includes(node);
      if (component.length > 1 || selfImport) cycles.push(component.sort());
    }
  };
  for (const node of [...edges.keys()].sort()) if (!indexOf.has(node)) visit(node);
  return cycles;
}

describe('import rules', () => {
  it('finds the source tree, the scripts and their imports (the rules below are not vacuous)', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files.some((f) => relative(root, f).startsWith('scripts/'))).toBe(true);
    expect(all.some((i) => i.file.startsWith('src/core/') && i.target.startsWith('src/core/'))).toBe(true);
    expect(all.some((i) => i.file.startsWith('src/slack/') && i.target.startsWith('src/usecases/'))).toBe(
      true,
    );
    expect(all.some((i) => i.typeOnly)).toBe(true);
    expect(all.some((i) => i.file === 'src/main.ts' && i.target === CLOUDFLARE_SURFACE)).toBe(true);
    // Every import resolves: a relative specifier names a file that exists.
    const dangling = all.filter((i) => i.specifier.startsWith('.') && !existsSync(join(root, i.target)));
    expect(dangling.map((i) => `${i.file} → ${i.specifier}`)).toEqual([]);
  });

  it('every layer and root file has an allow-list', () => {
    const layers = [...new Set(files.map((f) => layerOf(relative(root, f))))].sort();
    expect(layers.filter((l) => ALLOWED[l] === undefined)).toEqual([]);
  });

  it.each(Object.keys(ALLOWED))('%s imports only what its allow-list names', (layer) => {
    expect(violations(layer)).toEqual([]);
  });

  it('reads import statements, not comments or strings, and tells type-only imports apart', () => {
    const parsed = parseImports(
      [
        "import { a } from './a.js';",
        "import type { B } from './b.js';",
        "import { type C, type D } from './c.js';",
        "export { e } from './e.js';",
        "export * from './f.js';",
        "import g, { h } from 'g';",
        "import './side-effect.js';",
        "const lazy = await import('./lazy.js');",
        ' * moved from "Show raw event" to "Share in thread".',
        "// import { x } from './commented.js';",
      ].join('\n'),
    );
    expect(parsed).toEqual([
      { specifier: './a.js', typeOnly: false },
      { specifier: './b.js', typeOnly: true },
      { specifier: './c.js', typeOnly: true },
      { specifier: './e.js', typeOnly: false },
      { specifier: './f.js', typeOnly: false },
      { specifier: 'g', typeOnly: false },
      { specifier: './side-effect.js', typeOnly: false },
      { specifier: './lazy.js', typeOnly: false },
    ]);
  });
});

describe('core purity', () => {
  it('core does no I/O and reads no clock or environment', () => {
    const offenders = files
      .filter((f) => relative(root, f).startsWith('src/core/'))
      .flatMap((f) => {
        const text = readFileSync(f, 'utf8');
        return /\bprocess\.|Date\.now\(|new Date\(\)|\bfetch\(|\bconsole\./.test(text)
          ? [relative(root, f)]
          : [];
      });
    expect(offenders).toEqual([]);
  });

  it('only entry points read config, dotenv or process.env', () => {
    const readers = new Set([
      'src/main.ts',
      'src/cli.ts',
      'src/demo.ts',
      'src/config.ts',
      'src/sandbox/run-stand-ins.ts',
    ]);
    const offenders = files
      .map((f) => relative(root, f))
      .filter((f) => f.startsWith('src/') && !readers.has(f))
      .filter((f) => {
        const text = readFileSync(join(root, f), 'utf8');
        return (
          /process\.env|process\.exit/.test(text) ||
          importsOf(join(root, f)).some((i) => i.target === 'src/config.ts' || i.target === 'dotenv')
        );
      });
    expect(offenders).toEqual([]);
  });
});

describe('no async context tracking', () => {
  // A used AsyncLocalStorage turns on V8 promise hooks for the whole process on Node 20: every promise
  // of Bolt's ack path pays for them. Lookup deadlines travel as values instead (CallScope).
  it('nothing in src/ imports node:async_hooks', () => {
    const hooks = all.filter(
      (i) => i.file.startsWith('src/') && (i.target === 'node:async_hooks' || i.target === 'async_hooks'),
    );
    expect(hooks.map((i) => i.file)).toEqual([]);
    // The check reads the specifiers the parser returns, so it can fail.
    expect(parseImports("import { AsyncLocalStorage } from 'node:async_hooks';")).toEqual([
      { specifier: 'node:async_hooks', typeOnly: false },
    ]);
  });
});

describe('import cycles', () => {
  const edges = new Map<string, string[]>();
  for (const f of files) edges.set(relative(root, f), []);
  for (const i of all) if (edges.has(i.target)) edges.get(i.file)?.push(i.target);

  it('there is none in src/ or scripts/, type-only imports included', () => {
    expect(findCycles(edges)).toEqual([]);
  });

  it('the detector finds a cycle, a self-import and leaves a diamond alone (it can fail)', () => {
    const graph = new Map<string, string[]>([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
      ['f', ['g', 'h']],
      ['g', ['i']],
      ['h', ['i']],
      ['i', []],
    ]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c'], ['e']]);
  });
});
