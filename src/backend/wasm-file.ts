/**
 * Reading and compiling a kernels file (build/kernels.wasm or build/kernels-relaxed.wasm).
 *
 * The file sits beside the modules at a fixed relative place (`new URL(..., import.meta.url)`
 * in wasm.ts): build/ from the source, dist/build/ from the built package, an asset a
 * bundler copied. When it is missing or broken, the error names the file, where it was
 * looked for, and the fix, because "CompileError: expected magic word" does not.
 */

import { BackendError } from '../errors.js';

/** True under Node (where file: URLs are read from disk and V8 flags can be set). */
export const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** The four bytes every WebAssembly binary starts with: "\0asm". */
const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** What to do about a kernels file that cannot be used, by where it was looked for. */
function howToFix(url: URL): string {
  if (url.protocol !== 'file:') {
    return 'Serve the .wasm files at that address (dist/build/ beside dist/src/), or let your bundler copy them: ' +
      "Vite does for `new URL('...', import.meta.url)`; the dev server of Vite 6 needs `optimizeDeps: { exclude: ['wasmnn'] }`.";
  }
  if (url.pathname.includes('/node_modules/')) return 'Reinstall wasmnn (`npm install wasmnn`): its package ships dist/build/*.wasm.';
  return 'Build it: `npm run build` in the wasmnn repository (`npm install` builds build/*.wasm too).';
}

/** Where the file was looked for: a path on disk, or the address fetched. */
function location(url: URL): string {
  return url.protocol === 'file:' ? decodeURIComponent(url.pathname) : url.href;
}

/** The bytes at `url`: read from disk in Node, fetched elsewhere. */
async function readBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  try {
    if (isNode && url.protocol === 'file:') {
      // getBuiltinModule, not import(): a call bundlers for the browser do not try to resolve.
      const { readFile } = process.getBuiltinModule('node:fs/promises');
      return new Uint8Array(await readFile(url));
    }
    const response = await fetch(url);
    if (!response.ok) throw new BackendError(`HTTP ${response.status} ${response.statusText}`.trim());
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    const name = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    // Node's message repeats the path; its code says it shorter.
    const reason = (error as { code?: unknown }).code === 'ENOENT' ? 'ENOENT: no such file' : (error as Error).message;
    throw new BackendError(
      `wasmnn: the WebAssembly kernels ${name} could not be loaded: looked for ${location(url)} ` +
      `(${reason}). ${howToFix(url)}`,
    );
  }
}

/** Reads and compiles the kernels file at `url`; a BackendError says what is wrong and how to fix it. */
export async function compileKernelsFile(url: URL): Promise<WebAssembly.Module> {
  const bytes = await readBytes(url);
  if (!MAGIC.every((b, i) => bytes[i] === b)) {
    // A dev server's HTML fallback page is the usual culprit: show what came instead.
    const start = new TextDecoder().decode(bytes.subarray(0, 16)).replace(/\s+/g, ' ');
    throw new BackendError(
      `wasmnn: ${location(url)} is not a WebAssembly file (${bytes.length} bytes starting with ${JSON.stringify(start)}). ${howToFix(url)}`,
    );
  }
  try {
    return await WebAssembly.compile(bytes);
  } catch (error) {
    throw new BackendError(
      `wasmnn: the WebAssembly kernels ${location(url)} could not be compiled (${(error as Error).message}); ` +
      `the file is damaged or from another build. ${howToFix(url)}`,
    );
  }
}
