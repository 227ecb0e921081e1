/**
 * The training worker: the library, the data and the model live here, so the page stays
 * responsive while `fit` runs. It answers the page's messages (protocol.ts): train, stop,
 * reset, export. `fit` yields to the event loop after every batch, which is when a 'stop'
 * message gets through.
 */

import * as nn from 'wasmnn';
import digitImagesUrl from '../generated/digits-images.idx.gz?url';
import digitLabelsUrl from '../generated/digits-labels.idx.gz?url';
import { configKey, type PlaygroundConfig } from './config.js';
import { digitsData, planeData, readDigits, splitDigits, type DigitSplit, type PreparedData } from './data.js';
import type { BackendReport, DataForViews, FromWorker, ToWorker } from './protocol.js';
import { SHOWN_DIGITS, Session } from './session.js';

/** The worker's side of postMessage (the DOM library types `self` as a Window). */
const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  crossOriginIsolated: boolean;
};

/**
 * The one place the backend is chosen. `nn.ready()` takes the threaded build when it can: it
 * needs SharedArrayBuffer, which browsers give only to cross-origin isolated pages (the
 * COOP/COEP headers that vite.config.ts serves), and then shares big gemms between this
 * worker and as many more as the machine has cores (at most 4). Elsewhere it runs on this
 * worker alone. `threads` below reports what it chose.
 */
async function startBackend(): Promise<BackendReport> {
  const isolated = scope.crossOriginIsolated === true;
  await nn.ready();
  const info = nn.getBackendInfo();
  return { name: info.name, relaxed: info.relaxed, isolated, threads: info.threads };
}

let runs = 0;
let session: Session | null = null;
/** Whether Train continues the session: it has not trained yet, or its last training was stopped. */
let continuable = false;
let digitSplit: Promise<DigitSplit> | null = null;
/**
 * Counts the messages that interrupt training (train, stop, reset). A training started at
 * generation g runs while the count is still g, so any later one of those messages stops it
 * after the current batch, whether it arrives mid-epoch or while the data are still loading.
 */
let generation = 0;
/** Train and reset run one after the other, in the order they came. */
let queue: Promise<void> = Promise.resolve();

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

/** The digits, fetched and split on first use. */
function loadDigits(): Promise<DigitSplit> {
  digitSplit ??= (async () => {
    const fetchBytes = async (url: string) => {
      const response = await fetch(url);
      if (!response.ok) throw new nn.DataError(`digits: ${url} answered HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    };
    const [images, labels] = await Promise.all([fetchBytes(digitImagesUrl), fetchBytes(digitLabelsUrl)]);
    return splitDigits(await readDigits(images, labels));
  })();
  return digitSplit;
}

async function prepare(config: PlaygroundConfig): Promise<PreparedData> {
  return config.dataset === 'digits' ? digitsData(config, await loadDigits()) : planeData(config);
}

/** What the page draws beside the model: the points, or the first test digits. */
function dataForViews(config: PlaygroundConfig, data: PreparedData): DataForViews {
  const test = data.test;
  return {
    dataset: config.dataset,
    classes: data.classes,
    points: data.features === 2
      ? { train: data.train.x, trainLabels: data.train.y, validation: data.validation.x, validationLabels: data.validation.y }
      : null,
    digits: test === null ? null : {
      pixels: Uint8Array.from(test.x.subarray(0, SHOWN_DIGITS * data.features), (v) => Math.round(v * 255)),
      labels: test.y.slice(0, SHOWN_DIGITS),
    },
    trainSize: data.train.n,
    validationSize: data.validation.n,
  };
}

/** A fresh model from the seed: a new run. */
async function newSession(config: PlaygroundConfig): Promise<Session> {
  session?.dispose();
  session = null;
  const next = new Session(config, await prepare(config));
  session = next;
  continuable = true;
  runs++;
  const { trainable, nonTrainable } = next.model.countParams();
  post({ type: 'run', run: runs, config, data: dataForViews(config, next.data), snapshot: next.snapshot(), parameters: trainable + nonTrainable });
  return next;
}

/** Continues the stopped run when the config is the same; otherwise starts a new one. */
async function train(config: PlaygroundConfig, started: number): Promise<void> {
  const current = session !== null && continuable && configKey(session.config) === configKey(config)
    ? session
    : await newSession(config);
  const run = runs;
  post({ type: 'training', run });
  continuable = false; // until it ends by a stop: a run that failed (a non-finite loss) starts over
  const result = await current.train({
    epoch: (epoch, logs, samplesPerSecond, snapshot) => post({ type: 'epoch', run, epoch, logs, samplesPerSecond, snapshot }),
    progress: (epoch, batch, batches, logs, samplesPerSecond, snapshot) =>
      post({ type: 'progress', run, epoch, batch, batches, logs, samplesPerSecond, snapshot }),
  }, () => generation !== started);
  continuable = result.reason === 'stopped';
  post({ type: 'ended', run, ...result, epochsDone: current.epochsDone, snapshot: current.snapshot() });
}

/**
 * model.json (the TensorFlow.js layers format, its manifest naming weights.bin) and
 * weights.bin, from model.toArtifacts(): what model.save(dir) writes in Node.
 */
function exportModel(): void {
  if (session === null) throw new nn.ConfigError('export: there is no model yet; choose the settings first');
  const artifacts = session.model.toArtifacts();
  const modelJson = JSON.stringify(nn.modelJson(artifacts, ['weights.bin']));
  // A buffer of its own (encoded for this call), so it can be handed over rather than copied.
  const weights = artifacts.weightData;
  post({ type: 'exported', modelJson, weights }, [weights]);
}

function report(error: unknown): void {
  post({ type: 'error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
}

const backend = startBackend();
queue = backend.then((report) => post({ type: 'ready', backend: report })).catch(report);

scope.onmessage = ({ data: message }) => {
  if (message.type === 'export') {
    backend.then(exportModel).catch(report);
    return;
  }
  const received = ++generation; // stops any training under way (see `generation`)
  if (message.type === 'stop') return;
  queue = queue
    .then(async () => {
      // A train that a later message already stopped still starts, and ends after one
      // batch: the page sees 'training' and 'ended' for every Train it sent.
      if (message.type === 'train') await train(message.config, received);
      else await newSession(message.config);
    })
    .catch(report);
};
