/**
 * TensorFlow.js's wasm backend with its threads, in Node. Its threaded SIMD build is an
 * Emscripten pthreads program made for browsers, and three things stand in its way here:
 *   - tfjs turns threads off under Node (WASM_HAS_MULTITHREAD_SUPPORT is false): set it true;
 *   - it hands each pthread worker a Blob URL, which Node's worker_threads cannot start: the
 *     Worker that Emscripten takes from worker_threads starts such a URL as the package's own
 *     worker script instead (evaluated), whose importScripts loads the threaded build's
 *     JavaScript from the package rather than from a Blob;
 *   - its C++ sizes XNNPACK's thread pool once, at start, as min(max(cores/2, 1), 4) (halving
 *     for hyper-threads), and setThreadsCount does not change it: on 2 cores that is 1
 *     thread. So while it starts, os.cpus() reports 2·threads cores.
 * For the benchmark only. Selects the backend: call it instead of tf.setBackend('wasm').
 */

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Starts tfjs's wasm backend on its threaded SIMD build with `threads` threads; returns the count it reports. */
export async function startTfjsWasmThreads(threads: number): Promise<number> {
  const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');
  const os = require('node:os') as typeof import('node:os');
  const mainScript = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as { wasmWorkerContents: string };
  // As tfjs does before it makes the Blob: the script's string literals hold raw newlines.
  const script = wasmWorkerContents.replace(/\n/g, '\\n');
  const loader = `importScripts:function(){(0,eval)(require("fs").readFileSync(${JSON.stringify(mainScript)},"utf8"))}`;
  const source = script.replace(/importScripts:function\(f\)\{[^}]*\}/, loader);
  if (source === script) throw new Error('tfjs-threads: the worker script has changed; update bench/tfjs-threads.ts');
  const NodeWorker = workerThreads.Worker;
  class BlobWorker extends NodeWorker {
    constructor(url: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      if (String(url).startsWith('blob:')) super(source, { ...options, eval: true });
      else super(url, options);
      this.unref(); // idle pthreads must not keep the benchmark's process alive
    }
  }
  workerThreads.Worker = BlobWorker;
  const tf = await import('@tensorflow/tfjs');
  const tfwasm = await import('@tensorflow/tfjs-backend-wasm');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  tfwasm.setThreadsCount(threads);
  const cpus = os.cpus;
  const one = cpus()[0];
  os.cpus = () => Array.from({ length: 2 * threads }, () => one);
  try {
    await tf.setBackend('wasm');
    await tf.ready();
  } finally {
    os.cpus = cpus;
  }
  return tfwasm.getThreadsCount();
}
