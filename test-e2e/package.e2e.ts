/**
 * The package as a user gets it: `npm pack` (which builds dist/ through `prepack`), then a
 * fresh project in a temporary directory (test-e2e/consumer/, no "type": "module") installs
 * the tarball, and runs in it, with nothing from this repository on its module path:
 * - the README's example, verbatim, as train.mjs: trains on MNIST and prints its accuracy;
 * - a CommonJS file that loads wasmnn with import();
 * - typed.mts, type-checked by tsc (strict, NodeNext; and again as a browser project) against
 *   the shipped declarations, then compiled and run;
 * - main.js bundled by Vite for the browser, run in headless Chromium, .wasm included;
 * - and, with the .wasm files taken away, the error that says where they were looked for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, openUntil, serveDirectory } from './harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const vite = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');

let work = '';
let app = '';
let installed = '';
let packed: { filename: string; size: number; unpackedSize: number; files: { path: string }[] };

/** Runs a command and returns its standard output; on failure the error carries all its output. */
function run(command: string, args: string[], cwd: string, stderr: string[] = []): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}\n${result.stdout}\n${result.stderr}`);
  }
  stderr.push(result.stderr);
  return result.stdout;
}

/** The README's example: the first ```js block after "## Example". */
function readmeExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Example\n'));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  if (match === null) throw new Error('README.md: no ```js block under "## Example"');
  return match[1];
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wasmnn-package-'));
  // `npm pack` runs prepack (the kernels, then dist/) and prints the scripts' output before its JSON.
  const out = run('npm', ['pack', '--json', '--pack-destination', work], root);
  packed = JSON.parse(out.slice(out.indexOf('[\n')))[0];
  app = join(work, 'app');
  cpSync(join(root, 'test-e2e', 'consumer'), app, { recursive: true });
  writeFileSync(join(app, 'train.mjs'), readmeExample());
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, packed.filename)], app);
  installed = join(app, 'node_modules', 'wasmnn');
}, 300_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('ships dist/ (ES modules, declarations, both kernels), the source and the license; nothing else of the repo', () => {
    const paths = packed.files.map((f) => f.path);
    for (const file of ['package.json', 'README.md', 'LICENSE', 'dist/src/index.js', 'dist/src/index.d.ts',
      'dist/build/kernels.wasm', 'dist/build/kernels-relaxed.wasm', 'src/index.ts']) {
      expect(paths, file).toContain(file);
    }
    for (const path of paths.filter((p) => p.startsWith('dist/src/') && p.endsWith('.js'))) {
      expect(paths, `declarations of ${path}`).toContain(path.replace(/\.js$/, '.d.ts'));
    }
    const outside = paths.filter((p) => !/^(dist\/(src|build)\/|src\/|package\.json$|README\.md$|LICENSE$)/.test(p));
    expect(outside).toEqual([]);
    console.log(`${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${paths.length} files`);
  });

  it('installs the kernels as built, and a package.json without "type": "module"', () => {
    for (const file of ['kernels.wasm', 'kernels-relaxed.wasm']) {
      expect(readFileSync(join(installed, 'dist', 'build', file)).equals(readFileSync(join(root, 'build', file))), file).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).type).toBeUndefined();
  });

  it("runs the README's example as train.mjs with plain node: it trains and prints an accuracy far above chance", () => {
    const out = run(process.execPath, ['train.mjs'], app);
    const last = out.trim().split('\n').pop() ?? '';
    const accuracy = Number(/accuracy: ([\d.]+)/.exec(last)?.[1]);
    // Chance is 0.1 over ten digits; this network reaches about 0.9 on 7,200 of them.
    expect(accuracy, last).toBeGreaterThan(0.8);
    expect(accuracy).toBeLessThanOrEqual(1);
  });

  it('loads from CommonJS with import()', () => {
    expect(JSON.parse(run(process.execPath, ['commonjs.cjs'], app))).toEqual({ backend: 'wasm' });
  });

  it('type-checks typed.mts against the shipped declarations (strict, NodeNext; and as a browser project), then runs it', () => {
    const typeRoots = join(root, 'node_modules', '@types'); // @types/node, without installing it again
    run(process.execPath, [tsc, '-p', 'tsconfig.json', '--typeRoots', typeRoots], app);
    run(process.execPath, [tsc, '-p', 'tsconfig.browser.json'], app);
    const result = JSON.parse(run(process.execPath, [join('out', 'typed.mjs')], app));
    expect(result.backend).toBe('wasm');
    expect(result.lastLoss).toBeLessThan(result.firstLoss / 2);
    expect(result.accuracy).toBeGreaterThan(0.9); // two rings: chance is 0.5
  });

  it('without its .wasm files, ready() throws a BackendError that names the path and says to reinstall', () => {
    const kernels = join(installed, 'dist', 'build');
    const aside = join(work, 'kernels-aside');
    renameSync(kernels, aside);
    try {
      const script = "import('wasmnn').then((nn) => nn.ready()).catch((e) => { console.log(e.name + ': ' + e.message); })";
      const out = run(process.execPath, ['--input-type=module', '-e', script], app);
      expect(out).toContain('BackendError: wasmnn: the WebAssembly kernels');
      expect(out).toContain(`looked for ${join(kernels, 'kernels')}`);
      expect(out).toContain('npm install wasmnn');
    } finally {
      renameSync(aside, kernels);
    }
  });
});

describe('the package bundled by Vite, in Chromium', () => {
  it('bundles the .wasm kernels as assets with no warning, fetches one, and trains in the page', async () => {
    const out = join(app, 'web-dist');
    const stderr: string[] = [];
    const log = run(process.execPath, [vite, 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], app, stderr);
    // No "Module node:... has been externalized for browser compatibility": src/ reaches
    // Node's modules through process.getBuiltinModule, which a bundler does not resolve.
    expect(log + stderr.join('')).not.toMatch(/externalized|warn/i);
    const assets = readdirSync(join(out, 'assets'));
    // The four builds: plain and relaxed SIMD, each also as the threads build (shared memory).
    expect(assets.filter((a) => a.endsWith('.wasm'))).toHaveLength(4);
    expect(existsSync(join(out, 'index.html'))).toBe(true);

    const server = await serveDirectory(out);
    const browser = await launchChromium();
    try {
      const page = await openUntil(browser, `${server.base}/index.html`, 'done');
      const result = JSON.parse((await page.locator('#result').textContent()) ?? '{}');
      expect(result.backend).toEqual({ name: 'wasm', relaxed: true, threads: 1 }); // Chromium has relaxed SIMD; the page is not cross-origin isolated
      expect(result.lastLoss).toBeLessThan(result.firstLoss / 2);
      expect(result.accuracy).toBeGreaterThan(0.9);
      expect(server.requests.filter((p) => p.endsWith('.wasm'))).toEqual([expect.stringMatching(/^\/assets\/kernels-relaxed.*\.wasm$/)]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
