/**
 * Training throughput: samples/s of one epoch of minibatch training (Adam, batch 128) on
 * real MNIST digits, for our wasm backend (relaxed and plain builds), our reference backend
 * and TensorFlow.js's wasm backend, each in its own process (bench/train-worker.ts) so its
 * peak memory is its own. Two models:
 *   mlp          784-512-256-10 relu                      (~2.4 MFLOP per sample per step)
 *   regularized  the same with L2 1e-3, batch norm and dropout 0.3 after each hidden layer
 */

import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Result {
  framework: string;
  model: string;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  maxRssMB: number;
}

const here = dirname(fileURLToPath(import.meta.url));

function run(framework: string, model: string, samples: number): Result {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'train-worker.ts'), framework, model, String(samples)], {
    cwd: join(here, '..'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Result;
}

/** Runs every framework on both models; returns the markdown table (also printed). */
export async function runTrainingBench(samples = 4096): Promise<string> {
  const frameworks: [string, number][] = [['wasm', samples], ['wasm-plain', samples], ['reference', 256], ['tfjs-wasm', samples]];
  const results: Result[] = [];
  for (const model of ['mlp', 'regularized']) {
    for (const [framework, n] of frameworks) {
      const r = run(framework, model, n);
      results.push(r);
      console.error(`  ${model} ${framework}: ${r.samplesPerSecond.toFixed(0)} samples/s`);
    }
  }
  const get = (f: string, m: string): Result => results.find((r) => r.framework === f && r.model === m)!;
  const lines = [
    '| model | backend | samples/s | vs tfjs-wasm | peak RSS (MB) |',
    '|---|---|---:|---:|---:|',
  ];
  for (const model of ['mlp', 'regularized']) {
    const tfjs = get('tfjs-wasm', model).samplesPerSecond;
    for (const [framework] of frameworks) {
      const r = get(framework, model);
      lines.push(`| ${model} | ${framework} | ${r.samplesPerSecond.toFixed(0)} | ${(r.samplesPerSecond / tfjs).toFixed(2)}× | ${r.maxRssMB.toFixed(0)} |`);
    }
  }
  lines.push('');
  lines.push('Cost of batch norm + dropout + L2 over the plain MLP (time per sample, regularized / mlp - 1):');
  for (const [framework] of frameworks) {
    const overhead = get(framework, 'mlp').samplesPerSecond / get(framework, 'regularized').samplesPerSecond - 1;
    lines.push(`- ${framework}: ${(overhead * 100).toFixed(1)}%`);
  }
  const table = lines.join('\n');
  console.log(`\n## Training throughput (Adam, batch 128, MNIST digits, one epoch of ${samples} samples; reference on 256)\n\n${table}\n`);
  return table;
}
