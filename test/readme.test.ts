// The README stays true to the repository: every study in examples/ is linked from it, with
// its one line. (Its code example runs in test-e2e/package.e2e.ts, from the packed tarball.)

import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const studies = readdirSync(new URL('../examples/', import.meta.url)).filter((f) => f.endsWith('.ts') && f !== 'common.ts');

describe('README.md', () => {
  it('links each study in examples/ on a line of its own that says what it shows', () => {
    expect(studies.length).toBeGreaterThan(0);
    for (const file of studies) {
      const name = file.replace(/\.ts$/, '');
      expect(readme, file).toMatch(new RegExp(`^- \\[${name}\\]\\(examples/${name}\\.ts\\): \\S.{20,}$`, 'm'));
    }
  });

  it("has a ```js example under '## Example' that imports wasmnn by name", () => {
    const section = readme.slice(readme.indexOf('\n## Example\n'));
    expect(section).toMatch(/^```js\n(?:\/\/.*\n)*import \* as nn from 'wasmnn';$/m);
  });
});
