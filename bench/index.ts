/**
 * `npm run bench`: the kernel benchmark, then the training benchmark, each printing a
 * markdown table (see bench/README.md for how to read them).
 */

import { runKernelBench } from './kernels.js';
import { runTrainingBench } from './training.js';

async function main(): Promise<void> {
  await runKernelBench();
  await runTrainingBench();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
