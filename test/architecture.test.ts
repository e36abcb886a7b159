import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

interface Import {
  file: string;
  specifier: string;
  /** Path relative to src/ for project files, the package name otherwise. */
  target: string;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? '',
  );
  return specifiers.map((specifier) => ({
    file: relative(src, file),
    specifier,
    target: specifier.startsWith('.')
      ? relative(src, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts')
      : specifier,
  }));
}

const files = sourceFiles(src);
const all = files.flatMap(importsOf);
const layer = (path: string) => (path.includes('/') ? path.split('/')[0] : path);
const ENTRY_POINTS = new Set(['main.ts', 'cli.ts', 'demo.ts']);

function violations(from: string, allowed: (imp: Import) => boolean): string[] {
  return all
    .filter((imp) => layer(imp.file) === from && !allowed(imp))
    .map((i) => `${i.file} → ${i.specifier}`);
}

describe('import direction', () => {
  it('finds the source tree and its imports (the rules below are not vacuous)', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(all.some((i) => i.file.startsWith('core/') && i.target.startsWith('core/'))).toBe(true);
    expect(all.some((i) => i.file.startsWith('slack/') && i.target.startsWith('usecases/'))).toBe(true);
  });

  it('core imports only core (and zod)', () => {
    expect(violations('core', (i) => i.target.startsWith('core/') || i.target === 'zod')).toEqual([]);
  });

  it('core does no I/O and reads no clock or environment', () => {
    const offenders = files
      .filter((f) => relative(src, f).startsWith('core/'))
      .flatMap((f) => {
        const text = readFileSync(f, 'utf8');
        return /\bprocess\.|Date\.now\(|new Date\(\)|\bfetch\(|\bconsole\./.test(text)
          ? [relative(src, f)]
          : [];
      });
    expect(offenders).toEqual([]);
  });

  it('usecases import only core', () => {
    expect(violations('usecases', (i) => i.target.startsWith('core/'))).toEqual([]);
  });

  it('cloudflare and slack adapters never import each other, config, or the sandbox', () => {
    const forbidden = (i: Import, other: string) =>
      i.target.startsWith(`${other}/`) ||
      i.target === 'config.ts' ||
      i.target.startsWith('sandbox/') ||
      i.target === 'dotenv';
    expect(
      violations('cloudflare', (i) => !forbidden(i, 'slack') && !i.target.startsWith('usecases/')),
    ).toEqual([]);
    expect(violations('slack', (i) => !forbidden(i, 'cloudflare'))).toEqual([]);
  });

  it('the CLI renderers are pure (core only)', () => {
    expect(violations('cli', (i) => i.target.startsWith('core/'))).toEqual([]);
  });

  it('the sandbox stands alone: no bot code in the stand-in', () => {
    expect(
      violations(
        'sandbox',
        (i) => !['cloudflare/', 'slack/', 'usecases/'].some((p) => i.target.startsWith(p)),
      ),
    ).toEqual([]);
  });

  it('only entry points read config, dotenv or process.env', () => {
    const offenders = files
      .map((f) => relative(src, f))
      .filter((f) => !ENTRY_POINTS.has(f) && f !== 'config.ts' && f !== 'sandbox/run-stand-ins.ts')
      .filter((f) => {
        const text = readFileSync(join(src, f), 'utf8');
        return (
          /process\.env|process\.exit/.test(text) ||
          importsOf(join(src, f)).some((i) => i.target === 'config.ts' || i.target === 'dotenv')
        );
      });
    expect(offenders).toEqual([]);
  });
});
