/**
 * Rules of the house that no linter states (docs/DESIGN.md): the import cycles themselves
 * are checked by the linter (biome's noImportCycles, type-only imports included).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as errors from '../src/errors.js';

const SRC = join(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(SRC).map((path) => ({ name: relative(SRC, path), text: readFileSync(path, 'utf8') }));

describe('the house', () => {
  it('reads some source files (the checks below are not vacuous)', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it('every throw in src/ throws a WasmnnError subclass', () => {
    const offenders: string[] = [];
    for (const { name, text } of files) {
      for (const match of text.matchAll(/throw new (\w+)/g)) {
        const cls = (errors as Record<string, unknown>)[match[1]];
        const ok = typeof cls === 'function' && (cls === errors.WasmnnError || cls.prototype instanceof errors.WasmnnError);
        if (!ok) offenders.push(`${name}: throw new ${match[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('only the model, save/load and the public API import from layers/', () => {
    const allowed = /^(model\/|io\/|layers\/|index\.ts$|data-api\.ts$)/;
    const offenders = files
      .filter(({ name, text }) => !allowed.test(name) && /from '(\.\.?\/)+layers\//.test(text))
      .map(({ name }) => name);
    expect(offenders).toEqual([]);
  });
});
