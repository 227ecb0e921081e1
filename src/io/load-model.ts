/**
 * `nn.loadModel(path)`: model.json and its weight files, from disk in Node or over HTTP in
 * browsers (and for http(s) URLs in Node). model.json is refused above 64 MiB before it is
 * read; the weight files are checked against the manifest (model-json.ts) as they come.
 */

import type { Sequential } from '../model/sequential.js';
import { ModelFormatError } from '../errors.js';
import { fromArtifacts, readLoadOptions, type LoadOptions } from './load.js';
import { isNode } from '../backend/wasm-file.js';
import { MAX_MODEL_JSON_BYTES, MODEL_JSON, artifactsFromModelJson, extraBytes, parseModelJson } from './model-json.js';

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
    : await readArtifacts(url !== null ? process.getBuiltinModule('node:url').fileURLToPath(url) : (path as string), maxWeightBytes);
  return fromArtifacts(artifacts, options);
}

/** Node: model.json (or a directory holding it) and its weight files. */
async function readArtifacts(path: string, maxWeightBytes: number): Promise<Record<string, unknown>> {
  const { stat, readFile } = process.getBuiltinModule('node:fs/promises');
  const { dirname, join } = process.getBuiltinModule('node:path');
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
