// The loader's checks on the build it instantiates: the right build (plain or relaxed SIMD,
// by its isRelaxed export) and a code for every activation kind. Each failure is a
// BackendError that names the file.

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_KINDS, type ActivationKind, type Kernels } from '../../src/backend/kernels.js';
import { ReferenceKernels } from '../../src/backend/reference.js';
import { instantiateKernels, relaxedSimdSupported } from '../../src/backend/wasm.js';
import { BackendError, WasmnnError } from '../../src/errors.js';

const buildFile = async (name: string): Promise<Uint8Array<ArrayBuffer>> => new Uint8Array(await readFile(new URL(`../../build/${name}`, import.meta.url)));
const relaxedRuns = await relaxedSimdSupported();

/** A name as a WebAssembly vector: its length, then its bytes. */
const name = (text: string): number[] => [text.length, ...new TextEncoder().encode(text)];
/** A section: its id, its payload length (< 128, one LEB128 byte), its payload. */
const section = (id: number, payload: number[]): number[] => [id, payload.length, ...payload];

/**
 * The smallest module the loader can instantiate: it imports env.memory like the kernels
 * build and exports only `isRelaxed() = 0`, so it claims to be the plain build but has no
 * kernels and no activation codes.
 */
const bare = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [0x01, 0x60, 0x00, 0x01, 0x7f]), //                   type 0: () -> i32
  ...section(2, [0x01, ...name('env'), ...name('memory'), 0x02, 0x00, 0x00]), // memory, min 0
  ...section(3, [0x01, 0x00]), //                                     function 0 has type 0
  ...section(7, [0x01, ...name('isRelaxed'), 0x00, 0x00]), //         export function 0
  ...section(10, [0x01, 0x04, 0x00, 0x41, 0x00, 0x0b]), //           i32.const 0; end
]);

describe('loading a kernels build', () => {
  it('the builds load as what they are, and each activation kind reaches its own kernel', async () => {
    const builds = [await instantiateKernels(await buildFile('kernels.wasm'), false, 'build/kernels.wasm')];
    if (relaxedRuns) builds.push(await instantiateKernels(await buildFile('kernels-relaxed.wasm'), true, 'build/kernels-relaxed.wasm'));
    expect(builds.map((k) => k.relaxed)).toEqual(relaxedRuns ? [false, true] : [false]);
    // A swapped or shifted code would compute another function: compare each with the reference.
    const reference = new ReferenceKernels();
    const x = [-1.5, -0.25, 0.5, 2];
    const run = (k: Kernels, kind: ActivationKind): number[] => {
      const storage = k.alloc(x.length);
      storage.view().set(x);
      k.activationForward(kind, storage, storage, x.length, 0.3);
      return Array.from(storage.view());
    };
    for (const k of builds) {
      for (const kind of ACTIVATION_KINDS) {
        const expected = run(reference, kind);
        for (const [i, y] of run(k, kind).entries()) expect(y, `${kind}(${x[i]})`).toBeCloseTo(expected[i], 6);
      }
    }
  });

  it('the plain build where the relaxed one was asked for is a BackendError naming the file', async () => {
    const loading = instantiateKernels(await buildFile('kernels.wasm'), true, 'build/kernels-relaxed.wasm');
    await expect(loading).rejects.toThrow(BackendError);
    await expect(loading).rejects.toThrow(
      'build/kernels-relaxed.wasm should be the relaxed-SIMD build, but is the plain-SIMD build',
    );
  });

  it.runIf(relaxedRuns)('the relaxed build where the plain one was asked for is a BackendError naming the file', async () => {
    const loading = instantiateKernels(await buildFile('kernels-relaxed.wasm'), false, 'build/kernels.wasm');
    await expect(loading).rejects.toThrow(BackendError);
    await expect(loading).rejects.toThrow('build/kernels.wasm should be the plain-SIMD build, but is the relaxed-SIMD build');
  });

  it('a build without an activation code is a BackendError naming the file and the kind', async () => {
    expect(WebAssembly.validate(bare)).toBe(true);
    const loading = instantiateKernels(bare, false, 'stale.wasm');
    await expect(loading).rejects.toThrow(BackendError);
    await expect(loading).rejects.toThrow(`stale.wasm has no activation '${ACTIVATION_KINDS[0]}'`);
  });

  it('bytes that are not a module are a BackendError naming the file, and a WasmnnError', async () => {
    const loading = instantiateKernels(new Uint8Array([1, 2, 3, 4]), false, 'broken.wasm');
    await expect(loading).rejects.toThrow(WasmnnError);
    await expect(loading).rejects.toThrow(/broken\.wasm is not a kernels build this engine runs/);
  });
});
