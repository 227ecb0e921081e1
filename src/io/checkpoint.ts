/**
 * Writing a checkpoint atomically: whenever the process dies (a crash, SIGKILL, a power
 * loss), the directory holds either the previous checkpoint or the new one, each complete
 * and loadable with `nn.loadModel(dir)`.
 *
 * model.json is the manifest, written last. The weights go to one of two files, alternately
 * weights-a.bin and weights-b.bin, always the one the current model.json does NOT name:
 *
 *   1. write the weights to the unnamed file and fsync it
 *   2. write model.json.tmp (naming that file) and fsync it
 *   3. fsync the directory (both new files are on disk, names included)
 *   4. rename model.json.tmp over model.json       ← the commit
 *   5. fsync the directory (the commit is on disk)
 *
 * Why a crash cannot break it: before step 4, model.json is the old one and names the old
 * weights file, which this write never touches; whatever state the other file or the .tmp
 * is in, nothing reads them. rename() replaces model.json in one step, so a reader sees the
 * old or the new manifest, never a mix. After step 4 the new manifest names a weights file
 * that steps 1 and 3 made complete and durable. Writing the two files into a fresh directory
 * and renaming that would not do: a directory cannot be renamed over a non-empty one, so
 * there would be an instant with no checkpoint at all.
 */

import { ModelFormatError } from '../errors.js';
import type { ModelArtifacts } from './artifacts.js';
import { MODEL_JSON, modelJson } from './model-json.js';
import { syncDirectory, writeAndSync } from './durable.js';
import { isPlainObject } from './keras-json.js';

/** The two weight files a checkpoint alternates between. */
const CHECKPOINT_WEIGHTS = ['weights-a.bin', 'weights-b.bin'] as const;

/** Writes `artifacts` as the checkpoint in `dir` (created if missing); see the file comment. */
export async function writeCheckpoint(artifacts: ModelArtifacts, dir: string): Promise<void> {
  const { mkdir, rename } = process.getBuiltinModule('node:fs/promises');
  const { join } = process.getBuiltinModule('node:path');
  await mkdir(dir, { recursive: true });
  const current = await namedWeightFiles(join(dir, MODEL_JSON));
  const weights = current.includes(CHECKPOINT_WEIGHTS[0]) ? CHECKPOINT_WEIGHTS[1] : CHECKPOINT_WEIGHTS[0];
  await writeAndSync(join(dir, weights), new Uint8Array(artifacts.weightData));
  const temporary = join(dir, `${MODEL_JSON}.tmp`);
  await writeAndSync(temporary, JSON.stringify(modelJson(artifacts, [weights])));
  await syncDirectory(dir);
  await rename(temporary, join(dir, MODEL_JSON));
  await syncDirectory(dir);
}

/** The weight files the model.json at `path` names ([] when there is none or it is unreadable). */
async function namedWeightFiles(path: string): Promise<string[]> {
  const { readFile } = process.getBuiltinModule('node:fs/promises');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT' || error instanceof SyntaxError) return [];
    throw new ModelFormatError(`could not read the current checkpoint ${path}: ${(error as Error).message}`);
  }
  if (!isPlainObject(json) || !Array.isArray(json.weightsManifest)) return [];
  return json.weightsManifest.flatMap((group: unknown) => (isPlainObject(group) && Array.isArray(group.paths) ? group.paths.filter((p): p is string => typeof p === 'string') : []));
}
