// Builds assembly/ twice from the same source (see asconfig.json):
//   build/kernels.wasm          plain 128-bit SIMD
//   build/kernels-relaxed.wasm  + relaxed SIMD (f32x4.relaxed_madd), ASC_FEATURE_RELAXED_SIMD = true
// Runs on `npm install` / `npm ci` (prepare) and before `npm test`.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');

for (const target of ['plain', 'relaxed']) {
  execFileSync(process.execPath, [asc, 'assembly/index.ts', '--config', 'asconfig.json', '--target', target], {
    cwd: root,
    stdio: 'inherit',
  });
}
console.log('built build/kernels.wasm and build/kernels-relaxed.wasm');
