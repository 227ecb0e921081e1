/**
 * `npm run bench`: the kernel benchmark, the training benchmark, then the k-means
 * benchmark, each printing a markdown table (see bench/README.md for how to read them).
 */

import { runKernelBench } from './kernels.js';
import { runTrainingBench } from './training.js';
import { runKMeansBench } from './kmeans.js';

async function main(): Promise<void> {
  await runKernelBench();
  await runTrainingBench();
  await runKMeansBench();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
