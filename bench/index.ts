/**
 * `npm run bench`: the kernel benchmark, then the training benchmark, each printing a
 * markdown table (see bench/README.md for how to read them).
 */

import { runKernelBench } from './kernels.js';

async function main(): Promise<void> {
  await runKernelBench();
  // (marker: TRAINING BENCH)
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
