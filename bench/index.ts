/**
 * `npm run bench`: the kernel benchmark (one thread), the threads benchmark (1 against 2
 * threads, and TensorFlow.js with its threads), the training benchmark (one thread), then the
 * k-means benchmark, each printing markdown tables (see bench/README.md for how to read them).
 * `npm run bench -- --scaling`: how cost grows with data, width and batch (bench/scaling.ts).
 */

import { runKernelBench } from './kernels.js';
import { runScalingBench } from './scaling.js';
import { runThreadsBench } from './threads.js';
import { runTrainingBench } from './training.js';
import { runKMeansBench } from './kmeans.js';

async function main(): Promise<void> {
  if (process.argv.includes('--scaling')) {
    await runScalingBench();
    return;
  }
  if (!process.argv.includes('--threads-only')) await runKernelBench();
  await runThreadsBench();
  if (process.argv.includes('--threads-only')) return;
  await runTrainingBench();
  await runKMeansBench();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
