/**
 * `model.save(dir)` in Node. node:fs is reached at the call through getBuiltinModule (as in
 * durable.ts), so that browsers, which never call it, can load this module.
 */

import { toArtifacts, type ArtifactsSource, type SaveOptions } from './artifacts.js';
import { MODEL_JSON, WEIGHTS_BIN, modelJson } from './model-json.js';
import { replaceFile, syncDirectory } from './durable.js';

/**
 * Writes model.json and weights.bin into `dir` (created if missing). Each file is written
 * to a temporary name, synced and renamed, weights first. Overwriting an earlier save is not
 * one atomic step (a crash between the two renames pairs the old model.json with the new
 * weights); `nn.callbacks.modelCheckpoint` writes atomically.
 */
export async function saveModel(model: ArtifactsSource, dir: string, options: SaveOptions = {}): Promise<void> {
  const { mkdir } = process.getBuiltinModule('node:fs/promises');
  const { join } = process.getBuiltinModule('node:path');
  await mkdir(dir, { recursive: true });
  const artifacts = toArtifacts(model, options);
  await replaceFile(join(dir, WEIGHTS_BIN), new Uint8Array(artifacts.weightData));
  await replaceFile(join(dir, MODEL_JSON), JSON.stringify(modelJson(artifacts, [WEIGHTS_BIN])));
  await syncDirectory(dir);
}
