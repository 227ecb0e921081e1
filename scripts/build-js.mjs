// Compiles src/ to plain ES modules in dist/src (tsc) and copies the kernels to dist/build,
// keeping the layout that `new URL('../../build/kernels.wasm', import.meta.url)` expects.
// A browser can then `import * as nn from '/dist/src/index.js'` with no bundler at all.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
mkdirSync(join(root, 'dist', 'build'), { recursive: true });
for (const file of ['kernels.wasm', 'kernels-relaxed.wasm', 'kernels-threads.wasm', 'kernels-relaxed-threads.wasm']) cpSync(join(root, 'build', file), join(root, 'dist', 'build', file));
console.log('built dist/ (ES modules + kernels)');
