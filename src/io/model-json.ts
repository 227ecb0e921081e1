/**
 * model.json: the file that describes a saved model and lists its weight files.
 *
 *   { modelTopology, format, generatedBy, convertedBy,
 *     weightsManifest: [{ paths: ['weights.bin'], weights: [specs] }],
 *     userDefinedMetadata }
 *
 * This is what TensorFlow.js's Node file handler writes and its loaders read. Files converted
 * from Keras split the data into several groups and shards ('group1-shard1of2.bin', ...); a
 * reader concatenates all paths of all groups, in order, and all weight lists, in order.
 *
 * Reading trusts nothing: each path must be a plain file name next to model.json (no
 * directories, no '..', no URL), and a weight file larger than the bytes the manifest still
 * needs is refused before it is read.
 */

import { ModelFormatError } from '../errors.js';
import type { ModelArtifacts } from './artifacts.js';
import { describe } from './config-reader.js';
import { isPlainObject } from './keras-json.js';
import { readWeightSpecs, type WeightSpec } from './weights.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
/** The largest model.json read: topologies are kilobytes, so this only stops abuse. */
export const MAX_MODEL_JSON_BYTES = 64 * 2 ** 20;

/** The content of model.json for `artifacts` whose weight data is in the files `paths`. */
export function modelJson(artifacts: ModelArtifacts, paths: string[]): Record<string, unknown> {
  return {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs }],
    userDefinedMetadata: artifacts.userDefinedMetadata,
  };
}

/** Reads one file named by the manifest, refusing one longer than `limit` bytes. */
export type WeightFileReader = (path: string, limit: number) => Promise<Uint8Array>;

/**
 * ModelArtifacts from a parsed model.json, reading its weight files through `read`.
 * The manifest is checked (byte budget included) before any weight file is read.
 */
export async function artifactsFromModelJson(json: unknown, read: WeightFileReader, maxWeightBytes: number): Promise<Record<string, unknown>> {
  if (!isPlainObject(json)) throw new ModelFormatError(`model.json must hold an object, got ${describe(json)}`);
  const { weightsManifest, ...rest } = json;
  if (weightsManifest === undefined || weightsManifest === null) return rest; // a topology without weights
  if (!Array.isArray(weightsManifest)) throw new ModelFormatError(`model.json: weightsManifest must be a list of groups, got ${describe(weightsManifest)}`);
  const paths: string[] = [];
  const specs: unknown[] = [];
  for (const [i, group] of weightsManifest.entries()) {
    if (!isPlainObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelFormatError(`model.json: weightsManifest[${i}] must be { paths: [...], weights: [...] }, got ${describe(group)}`);
    }
    for (const key of Object.keys(group)) {
      if (key !== 'paths' && key !== 'weights') throw new ModelFormatError(`model.json: weightsManifest[${i}] has an unexpected key '${key}'`);
    }
    paths.push(...group.paths.map(checkWeightPath));
    specs.push(...group.weights);
  }
  const { bytes } = readWeightSpecs(specs, maxWeightBytes);
  const data = new Uint8Array(bytes);
  let offset = 0;
  for (const path of paths) {
    const chunk = await read(path, bytes - offset);
    if (chunk.byteLength > bytes - offset) throw extraBytes(path, bytes);
    data.set(chunk, offset);
    offset += chunk.byteLength;
  }
  if (offset < bytes) throw new ModelFormatError(`the weight files hold ${offset} bytes but the manifest needs ${bytes}: a weights file is truncated`);
  return { ...rest, weightSpecs: specs as WeightSpec[], weightData: data.buffer };
}

export function extraBytes(path: string, bytes: number): ModelFormatError {
  return new ModelFormatError(`weights file '${path}' holds more bytes than the manifest describes (${bytes} in all)`);
}

/** A weight path must be a plain file name beside model.json. */
function checkWeightPath(path: unknown): string {
  if (typeof path !== 'string' || path.length === 0 || path.length > 255 || path === '.' || path === '..' || /[/\\:\0?#%]/.test(path)) {
    throw new ModelFormatError(`model.json: weight path ${describe(path)} must be a plain file name next to model.json`);
  }
  return path;
}

/** The parsed content of model.json's text. */
export function parseModelJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelFormatError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
}
