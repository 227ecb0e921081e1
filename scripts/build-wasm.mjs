// Builds assembly/ four times from the same source (see asconfig.json):
//   build/kernels.wasm                  plain 128-bit SIMD
//   build/kernels-relaxed.wasm          + relaxed SIMD (f32x4.relaxed_madd), ASC_FEATURE_RELAXED_SIMD = true
//   build/kernels-threads.wasm          plain SIMD over an imported *shared* memory (threads)
//   build/kernels-relaxed-threads.wasm  relaxed SIMD over an imported shared memory
// The threads builds run the same code; only the memory they import is shared, so that
// worker threads can instantiate them on the one memory (src/backend/threads.ts).
// Runs on `npm install` / `npm ci` (prepare), before `npm test`, and before `npm pack`.
//
// The compile takes tens of seconds, and `npm pack` alone asks for it twice (prepack, then
// prepare), so it is skipped when its inputs are byte for byte those of the last build:
// build/inputs.sha256 holds a hash of assembly/, asconfig.json, this script and the
// compiler's version. `--force` rebuilds regardless.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const ascPackage = require.resolve('assemblyscript/package.json');
const asc = join(dirname(ascPackage), 'bin', 'asc.js');
const targets = {
  plain: 'build/kernels.wasm',
  relaxed: 'build/kernels-relaxed.wasm',
  'plain-threads': 'build/kernels-threads.wasm',
  'relaxed-threads': 'build/kernels-relaxed-threads.wasm',
};
const outputs = Object.values(targets).map((file) => join(root, file));
const stamp = join(root, 'build', 'inputs.sha256');

/** sha256 over every input of the build, each file named before its bytes. */
function inputsHash() {
  const hash = createHash('sha256');
  const files = readdirSync(join(root, 'assembly'), { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => join('assembly', file));
  for (const file of [...files, 'asconfig.json', 'scripts/build-wasm.mjs']) {
    hash.update(`${file}\n`).update(readFileSync(join(root, file)));
  }
  hash.update(`assemblyscript ${JSON.parse(readFileSync(ascPackage, 'utf8')).version}\n`);
  return hash.digest('hex');
}

const hash = inputsHash();
const upToDate = !process.argv.includes('--force') && outputs.every((file) => existsSync(file)) &&
  existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash;
if (upToDate) {
  console.log(`${Object.values(targets).join(', ')} are up to date`);
} else {
  for (const target of Object.keys(targets)) {
    execFileSync(process.execPath, [asc, 'assembly/index.ts', '--config', 'asconfig.json', '--target', target], {
      cwd: root,
      stdio: 'inherit',
    });
  }
  writeFileSync(stamp, `${hash}\n`);
  console.log(`built ${Object.values(targets).join(', ')}`);
}
