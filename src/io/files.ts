/**
 * model.json and its weight files: on disk in Node, over HTTP in browsers.
 *
 *   model.json   { modelTopology, format, generatedBy, convertedBy,
 *                  weightsManifest: [{ paths: ['weights.bin'], weights: [specs] }],
 *                  userDefinedMetadata }
 *   weights.bin  the weight data (weights.ts)
 *
 * This is what TensorFlow.js's Node file handler writes and its loaders read. Files converted
 * from Keras split the data into several groups and shards ('group1-shard1of2.bin', ...); a
 * reader concatenates all paths of all groups, in order, and all weight lists, in order.
 *
 * Reading trusts nothing: model.json is refused above 64 MiB, each path must be a plain file
 * name next to model.json (no directories, no '..', no URL), and a weight file larger than
 * the bytes the manifest still needs is refused before it is read.
 */

import type { Sequential } from '../model/sequential.js';
import { ModelFormatError } from '../errors.js';
import { toArtifacts, type ModelArtifacts } from './artifacts.js';
import { describe } from './config-reader.js';
import { isPlainObject } from './keras-json.js';
import { fromArtifacts, readLoadOptions, type LoadOptions } from './load.js';
import { readWeightSpecs, type WeightSpec } from './weights.js';
import { replaceFile, syncDirectory } from './durable.js';

/** Options of `model.save` (none yet). */
export type SaveOptions = Record<string, never>;

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

/**
 * Writes model.json and weights.bin into `dir` (created if missing). Each file is written
 * to a temporary name, synced and renamed, weights first. Overwriting an earlier save is not
 * one atomic step (a crash between the two renames pairs the old model.json with the new
 * weights); `nn.callbacks.modelCheckpoint` writes atomically.
 */
export async function saveModel(model: Sequential, dir: string, _options: SaveOptions = {}): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(dir, { recursive: true });
  const artifacts = toArtifacts(model);
  await replaceFile(join(dir, WEIGHTS_BIN), new Uint8Array(artifacts.weightData));
  await replaceFile(join(dir, MODEL_JSON), JSON.stringify(modelJson(artifacts, [WEIGHTS_BIN])));
  await syncDirectory(dir);
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

function extraBytes(path: string, bytes: number): ModelFormatError {
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
function parseModelJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelFormatError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * Loads a model saved in the TensorFlow.js layers format (by wasmnn, TensorFlow.js, or
 * tensorflowjs_converter from Keras). `path` is a directory holding model.json, a model.json
 * path, or (in browsers, and http(s) URLs in Node) a URL of model.json, whose weight files
 * are fetched relative to it.
 */
export async function loadModel(path: string | URL, options: LoadOptions = {}): Promise<Sequential> {
  const { maxWeightBytes } = readLoadOptions(options);
  const url = path instanceof URL ? path : /^[a-z][a-z0-9+.-]*:\/\//i.test(path) || !isNode ? new URL(path, globalThis.location?.href) : null;
  const artifacts = url !== null && url.protocol !== 'file:'
    ? await fetchArtifacts(url, maxWeightBytes)
    : await readArtifacts(url !== null ? (await import('node:url')).fileURLToPath(url) : (path as string), maxWeightBytes);
  return fromArtifacts(artifacts, options);
}

/** Node: model.json (or a directory holding it) and its weight files. */
async function readArtifacts(path: string, maxWeightBytes: number): Promise<Record<string, unknown>> {
  const { stat, readFile } = await import('node:fs/promises');
  const { dirname, join } = await import('node:path');
  const file = (await ioCall(() => stat(path), path)).isDirectory() ? join(path, MODEL_JSON) : path;
  const size = (await ioCall(() => stat(file), file)).size;
  if (size > MAX_MODEL_JSON_BYTES) throw new ModelFormatError(`${file} is ${size} bytes; refusing a model.json over ${MAX_MODEL_JSON_BYTES}`);
  const json = parseModelJson(await ioCall(() => readFile(file, 'utf8'), file), file);
  const dir = dirname(file);
  return artifactsFromModelJson(json, async (name, limit) => {
    const weights = join(dir, name);
    const bytes = (await ioCall(() => stat(weights), weights)).size;
    if (bytes > limit) throw extraBytes(name, limit);
    return new Uint8Array(await ioCall(() => readFile(weights), weights));
  }, maxWeightBytes);
}

/** Browsers: model.json by URL, its weight files relative to it. */
async function fetchArtifacts(url: URL, maxWeightBytes: number): Promise<Record<string, unknown>> {
  const text = new TextDecoder().decode(await fetchBytes(url, MAX_MODEL_JSON_BYTES));
  const json = parseModelJson(text, url.href);
  return artifactsFromModelJson(json, (name, limit) => fetchBytes(new URL(name, url), limit), maxWeightBytes);
}

async function fetchBytes(url: URL, limit: number): Promise<Uint8Array> {
  const response = await ioCall(() => fetch(url), url.href);
  if (!response.ok) throw new ModelFormatError(`could not fetch ${url.href}: HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) throw new ModelFormatError(`${url.href} is ${declared} bytes; expected at most ${limit}`);
  const bytes = new Uint8Array(await ioCall(() => response.arrayBuffer(), url.href));
  if (bytes.byteLength > limit) throw new ModelFormatError(`${url.href} is ${bytes.byteLength} bytes; expected at most ${limit}`);
  return bytes;
}

/** Runs a read, reporting a missing or unreadable file as a ModelFormatError that names it. */
async function ioCall<T>(read: () => Promise<T>, what: string): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ModelFormatError(`could not read ${what}: ${code ?? (error as Error).message}`);
  }
}
