// A kernels file that is missing, is not WebAssembly, or does not compile: the error is a
// BackendError that names the file, where it was looked for, and the fix for that place.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileKernelsFile } from '../../src/backend/wasm-file.js';
import { BackendError, WasmnnError } from '../../src/errors.js';

const plainBuild = new URL('../../build/kernels.wasm', import.meta.url);
let dir = '';

/** The BackendError that compiling `url` throws (fails the test if it compiles). */
async function failure(url: URL): Promise<BackendError> {
  const error = await compileKernelsFile(url).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(BackendError);
  expect(error).toBeInstanceOf(WasmnnError);
  return error as BackendError;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasmnn-wasm-file-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compileKernelsFile', () => {
  it('compiles the real build', async () => {
    const module = await compileKernelsFile(plainBuild);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain('gemm');
  });

  it('a missing file in a checkout: names the file and the full path, and says `npm run build`', async () => {
    const path = join(dir, 'build', 'kernels-relaxed.wasm');
    const { message } = await failure(pathToFileURL(path));
    expect(message).toContain('kernels-relaxed.wasm could not be loaded');
    expect(message).toContain(`looked for ${path}`);
    expect(message).toContain('ENOENT');
    expect(message).toContain('npm run build');
  });

  it('a missing file in an installed package: says to reinstall', async () => {
    const path = join(dir, 'node_modules', 'wasmnn', 'dist', 'build', 'kernels.wasm');
    const { message } = await failure(pathToFileURL(path));
    expect(message).toContain(`looked for ${path}`);
    expect(message).toContain('npm install wasmnn');
  });

  it('an HTML page where the .wasm should be (a dev server fallback): says what came instead', async () => {
    const path = join(dir, 'page.wasm');
    writeFileSync(path, '<!doctype html>\n<html><body>not found</body></html>');
    const { message } = await failure(pathToFileURL(path));
    expect(message).toContain(`${path} is not a WebAssembly file`);
    expect(message).toContain('bytes starting with "<!doctype html> "');
  });

  it('a truncated build: could not be compiled, with the engine\'s reason', async () => {
    const path = join(dir, 'truncated.wasm');
    const bytes = readFileSync(plainBuild);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const { message } = await failure(pathToFileURL(path));
    expect(message).toContain(`kernels ${path} could not be compiled (`);
    expect(message).toContain('npm run build');
  });

  it('over HTTP, a 404: names the address and how to serve or bundle the file', async () => {
    const server: Server = createServer((_request, response) => {
      response.writeHead(404, 'Not Found');
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const url = new URL(`http://127.0.0.1:${port}/assets/kernels.wasm`);
      const { message } = await failure(url);
      expect(message).toContain(`looked for ${url.href} (HTTP 404 Not Found)`);
      expect(message).toContain('bundler');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
