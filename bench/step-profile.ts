/**
 * Where a training step's time goes, kernel by kernel:
 *
 *   npx tsx bench/step-profile.ts [threads=1] [batch=128]
 *
 * Trains 784-512-256-10 (Adam) on 8,192 MNIST digits for two epochs after a warm-up one, with
 * every method of the active wasm backend wrapped in a timer, and prints milliseconds per
 * step for each kernel (gemms by shape and form), the sum, and the whole step. The difference
 * is the JavaScript between kernels (layers, the training step, fit's loop, callbacks).
 * Timing each call adds about a microsecond per kernel call: read the figures as shares.
 */
import * as nn from 'wasmnn';
import { kernels } from '../src/backend/backend.js';
import { oursMlp } from './mlp.js';

const threads = Number(process.argv[2] ?? 1), batch = Number(process.argv[3] ?? 128);
await nn.setBackend('wasm', { threads });
const backend = kernels() as unknown as Record<string, (...args: unknown[]) => unknown>;
const times = new Map<string, { ms: number; calls: number }>();
const proto = Object.getPrototypeOf(backend) as Record<string, unknown>;
for (const name of Object.getOwnPropertyNames(proto)) {
  const method = proto[name];
  if (typeof method !== 'function' || ['constructor', 'own', 'ptr', 'updatePool'].includes(name)) continue;
  backend[name] = function timed(this: unknown, ...args: unknown[]) {
    const t0 = performance.now();
    const result = method.apply(this, args);
    const ms = performance.now() - t0;
    const key = name === 'gemm' ? `gemm ${args[0] ? 'T' : 'N'}${args[1] ? 'T' : 'N'} ${args[2]}×${args[3]}×${args[4]}` : name;
    const entry = times.get(key) ?? { ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls++;
    times.set(key, entry);
    return result;
  };
}

const samples = 8192;
const { train } = await nn.data.loadMnist({ trainSize: samples, testSize: 0, seed: 7 });
const model = oursMlp();
await model.fit(train.x, train.y, { batchSize: batch, epochs: 1, verbose: 0 }); // warm-up
times.clear();
const t0 = performance.now();
await model.fit(train.x, train.y, { batchSize: batch, epochs: 2, verbose: 0 });
const wall = performance.now() - t0;
const steps = 2 * Math.ceil(samples / batch);
let sum = 0;
console.log(`784-512-256-10, Adam, batch ${batch}, ${threads} thread${threads === 1 ? '' : 's'}: ms per step`);
for (const [key, { ms, calls }] of [...times].sort((a, b) => b[1].ms - a[1].ms)) {
  sum += ms;
  console.log(`${key.padEnd(26)} ${(ms / steps).toFixed(3).padStart(7)}   (${(calls / steps).toFixed(0)} call${calls === steps ? '' : 's'})`);
}
console.log(`${'kernels'.padEnd(26)} ${(sum / steps).toFixed(3).padStart(7)}`);
console.log(`${'whole step'.padEnd(26)} ${(wall / steps).toFixed(3).padStart(7)}   ${((samples * 2) / (wall / 1000)).toFixed(0)} samples/s`);
model.dispose();
