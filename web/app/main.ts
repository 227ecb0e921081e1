/**
 * The page: the controls, the buttons, and the views, fed by the training worker's
 * messages (protocol.ts). The page itself never imports the library; it draws what the
 * worker reports, at most every RENDER_EVERY_MS.
 */

import 'uplot/dist/uPlot.min.css';
import './style.css';
import { DEFAULTS, type PlaygroundConfig } from './config.js';
import { Controls } from './controls.js';
import type { BackendReport, DataForViews, EpochLogs, FromWorker, Snapshot, ToWorker } from './protocol.js';
import { findRepeat, newRun, type Run } from './runs.js';
import { BoundaryView } from './views/boundary.js';
import { CurvesChart, MAX_GHOSTS } from './views/curves.js';
import { DigitsView } from './views/digits.js';
import { HistogramChart } from './views/histogram.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const buttons = { train: $<HTMLButtonElement>('train'), stop: $<HTMLButtonElement>('stop'), reset: $<HTMLButtonElement>('reset'), export: $<HTMLButtonElement>('export') };
const statusText = $('status');
const boundaryView = new BoundaryView($<HTMLCanvasElement>('boundary'));
const digitsView = new DigitsView($('digit-grid'), $<HTMLTableElement>('confusion'), $('digits-summary'));
const lossChart = new CurvesChart($('loss-chart'), 'loss');
const accuracyChart = new CurvesChart($('accuracy-chart'), 'accuracy');
const histogramChart = new HistogramChart($('histogram'));
const histogramLayer = $<HTMLSelectElement>('histogram-layer');

type Status = 'loading' | 'ready' | 'training' | 'stopping' | 'stopped' | 'finished';

let status: Status = 'loading';
const runs: Run[] = [];
let current: Run | null = null;
/** Runs that have trained at least one epoch: the page numbers them 1, 2, 3, ... */
let trainedRuns = 0;
let snapshot: Snapshot | null = null;
let snapshotChanged = false;
/** Whether a render is due, and when the last one ran. */
let renderPending = false;
let lastRender = -Infinity;
/**
 * Draw at most this often: short epochs arrive by the hundred per second, and every frame
 * spent drawing is a frame of CPU the worker does not get (on a two-core laptop that shows
 * in samples/s).
 */
const RENDER_EVERY_MS = 120;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker) => worker.postMessage(message);

const controls = new Controls($('controls'), () => {
  // A changed setting is a new run: build its data and model now, so the views show them.
  send({ type: 'reset', config: controls.read() });
});
controls.show(DEFAULTS.spirals);
$('main').dataset.config = JSON.stringify(controls.read());

/** Sets the state of the page and its buttons; `text` (an error) replaces the state's name on screen. */
function setStatus(next: Status, text: string = next): void {
  status = next;
  statusText.textContent = text;
  statusText.dataset.status = text === next ? next : 'error';
  const training = status === 'training' || status === 'stopping';
  buttons.train.disabled = status === 'loading' || training;
  buttons.stop.disabled = status !== 'training';
  buttons.reset.disabled = status === 'loading' || status === 'stopping';
  buttons.export.disabled = training || current === null;
  controls.setEnabled(!training && status !== 'loading');
}

buttons.train.addEventListener('click', () => {
  setStatus('training');
  send({ type: 'train', config: controls.read() });
});
buttons.stop.addEventListener('click', () => {
  setStatus('stopping');
  send({ type: 'stop' });
});
buttons.reset.addEventListener('click', () => send({ type: 'reset', config: controls.read() }));
buttons.export.addEventListener('click', () => send({ type: 'export' }));
$<HTMLInputElement>('show-validation').addEventListener('change', (event) => {
  boundaryView.showValidation = (event.target as HTMLInputElement).checked;
  boundaryView.setPoints(currentPoints);
});
histogramLayer.addEventListener('change', () => {
  snapshotChanged = true;
  schedule();
});

let currentPoints: DataForViews['points'] = null;

worker.addEventListener('message', (event: MessageEvent<FromWorker>) => receive(event.data));
worker.addEventListener('error', (event) => setStatus(status, `error: the worker failed: ${event.message}`));

function receive(message: FromWorker): void {
  switch (message.type) {
    case 'ready':
      showBackend(message.backend);
      send({ type: 'reset', config: controls.read() });
      return;
    case 'run':
      startRun(message.run, message.config, message.data, message.parameters);
      takeSnapshot(message.snapshot);
      if (status !== 'training') setStatus('ready'); // a Train that starts a new run sends 'training' next

      return;
    case 'training':
      setStatus('training');
      return;
    case 'epoch':
      if (current?.id !== message.run) return;
      current.number ??= ++trainedRuns;
      current.epochs[message.epoch] = message.logs;
      current.epochs.length = message.epoch + 1;
      showEpoch(message.epoch + 1, current.config.epochs, message.samplesPerSecond);
      if (message.snapshot !== null) takeSnapshot(message.snapshot);
      schedule();
      return;
    case 'progress':
      if (current?.id !== message.run) return;
      showEpoch(message.epoch, current.config.epochs, message.samplesPerSecond, `batch ${message.batch + 1}/${message.batches}`);
      takeSnapshot(message.snapshot);
      return;
    case 'ended':
      if (current?.id !== message.run) return;
      current.ended = message.reason;
      if (message.midEpoch) current.comparable = Math.min(current.comparable, message.epochsDone);
      takeSnapshot(message.snapshot);
      showEnded(message.reason, message.epochsDone, message.stoppedEpoch, message.bestEpoch);
      showRunSpeed(message.samplesPerSecond);
      render(); // at once: the page's final numbers are there when the status says so
      setStatus(message.reason === 'stopped' ? 'stopped' : 'finished');
      return;
    case 'exported':
      download('model.json', new Blob([message.modelJson], { type: 'application/json' }));
      download('weights.bin', new Blob([message.weights], { type: 'application/octet-stream' }));
      return;
    case 'error':
      // A failed training run sends no 'ended': the run is over all the same.
      setStatus(status === 'training' || status === 'stopping' ? 'stopped' : status, `error: ${message.message}`);
      $('ended').textContent = message.message;
      $('ended').classList.add('failure');
  }
}

function startRun(id: number, config: PlaygroundConfig, data: DataForViews, parameters: number): void {
  current = newRun(id, config);
  runs.push(current);
  $('main').dataset.config = JSON.stringify(config);
  const plane = data.points !== null;
  $('boundary-card').hidden = !plane;
  $('digits-card').hidden = plane;
  currentPoints = data.points;
  boundaryView.setPoints(data.points);
  digitsView.setDigits(data.digits);
  $('ended').textContent = `Run ${trainedRuns + 1}: ${data.trainSize.toLocaleString('en')} training and ${data.validationSize.toLocaleString('en')} validation samples, ${parameters.toLocaleString('en')} weights. Press Train.`;
  $('ended').classList.remove('failure');
  showEpoch(0, config.epochs, 0);
  schedule();
}

function takeSnapshot(next: Snapshot): void {
  snapshot = next;
  snapshotChanged = true;
  schedule();
}

function schedule(): void {
  if (renderPending) return;
  renderPending = true;
  const wait = Math.max(0, lastRender + RENDER_EVERY_MS - performance.now());
  setTimeout(() => requestAnimationFrame(render), wait);
}

/** Draws everything that changed since the last render. */
function render(): void {
  renderPending = false;
  lastRender = performance.now();
  if (current === null) return;
  const ghosts = runs.filter((r) => r !== current && r.epochs.length > 0 && r.config.dataset === current?.config.dataset);
  lossChart.update(current, ghosts);
  accuracyChart.update(current, ghosts);
  $('loss-chart').dataset.epochs = String(current.epochs.length); // what the end-to-end test waits for
  showNumbers(current.epochs.at(-1));
  showRuns(ghosts.slice(-MAX_GHOSTS));
  showRepeat(current);
  if (snapshot !== null && snapshotChanged) {
    snapshotChanged = false;
    if (snapshot.boundary !== null) boundaryView.update(snapshot.boundary);
    if (snapshot.digits !== null) digitsView.update(snapshot.digits);
    showHistogram(snapshot);
  }
}

function showHistogram({ histograms }: Snapshot): void {
  const names = histograms.map((h) => h.name);
  if ([...histogramLayer.options].map((o) => o.value).join() !== names.join()) {
    // A new network: show its largest kernel, where a penalty's effect is plainest.
    const largest = histograms.reduce((a, b) => (b.counts.reduce((x, y) => x + y, 0) > a.counts.reduce((x, y) => x + y, 0) ? b : a));
    histogramLayer.replaceChildren(...histograms.map((h) => new Option(`${h.name}: ${h.shape.join('×')}`, h.name)));
    histogramLayer.value = largest.name;
  }
  const histogram = histograms.find((h) => h.name === histogramLayer.value) ?? histograms[0];
  if (histogram === undefined) return;
  histogramChart.update(histogram);
  const count = histogram.counts.reduce((a, b) => a + b, 0);
  $('histogram-stats').textContent = `${count.toLocaleString('en')} weights · std ${histogram.std.toPrecision(3)} · ` +
    `largest |w| ${histogram.largest.toPrecision(3)} · ${(100 * histogram.nearZero).toFixed(1)}% lie within ${(histogram.largest / 100).toPrecision(2)} of zero. ` +
    'L1 piles weights up at 0 (the red bar); L2 under SGD only narrows the bell.';
}

const format = {
  loss: (v: number | undefined) => (v === undefined ? '–' : v.toPrecision(4)),
  accuracy: (v: number | undefined) => (v === undefined ? '–' : `${(100 * v).toFixed(1)}%`),
};

function showNumbers(logs: EpochLogs | undefined): void {
  $('train-loss').textContent = format.loss(logs?.loss);
  $('val-loss').textContent = format.loss(logs?.val_loss);
  $('val-loss').dataset.value = logs?.val_loss === undefined ? '' : String(logs.val_loss);
  $('train-accuracy').textContent = format.accuracy(logs?.accuracy);
  const validation = $('val-accuracy');
  validation.textContent = format.accuracy(logs?.val_accuracy);
  validation.dataset.value = logs?.val_accuracy === undefined ? '' : String(logs.val_accuracy);
}

function showEpoch(epoch: number, epochs: number, samplesPerSecond: number, detail = ''): void {
  const label = $('epoch');
  label.textContent = `epoch ${epoch} / ${epochs}${detail === '' ? '' : ` · ${detail}`}`;
  label.dataset.epoch = String(epoch);
  const speed = $('throughput');
  if (samplesPerSecond > 0) {
    speed.textContent = `${Math.round(samplesPerSecond).toLocaleString('en')} samples/s`;
    speed.dataset.samplesPerSecond = String(samplesPerSecond);
  }
}

/** After a training: its speed over all its batches, steadier than the last reading. */
function showRunSpeed(samplesPerSecond: number): void {
  const speed = $('throughput');
  speed.dataset.runSamplesPerSecond = String(samplesPerSecond);
  if (samplesPerSecond > 0) speed.textContent = `${Math.round(samplesPerSecond).toLocaleString('en')} samples/s`;
  speed.title = 'training samples per second over the whole of the last training (during one: the last 0.1 s or more)';
}

function showBackend(report: BackendReport): void {
  const build = report.name === 'wasm' ? (report.relaxed ? 'wasm, relaxed SIMD' : 'wasm, SIMD') : report.name;
  const threads = `${report.threads} thread${report.threads === 1 ? '' : 's'}`;
  $('backend').textContent = `backend: ${build} · ${threads}`;
  $('backend').title = report.isolated
    ? 'The page is cross-origin isolated (COOP/COEP), so big matrix products are shared between worker threads.'
    : 'The page is not cross-origin isolated, so it runs single-threaded.';
}

function showEnded(reason: string, epochsDone: number, stoppedEpoch: number | null, bestEpoch: number | null): void {
  const text = reason === 'early-stopping'
    ? `Early stopping after epoch ${(stoppedEpoch ?? epochsDone - 1) + 1}: validation loss had not improved for ${current?.config.patience} epochs, so the weights of epoch ${(bestEpoch ?? 0) + 1} are back.`
    : reason === 'stopped'
      ? `Stopped during epoch ${epochsDone + 1}. Train continues this run; Reset starts it again from the seed.`
      : `Finished ${epochsDone} epochs.`;
  $('ended').textContent = text;
  $('ended').classList.remove('failure');
}

function showRuns(ghosts: Run[]): void {
  const item = (run: Run, now: boolean) => {
    const li = document.createElement('li');
    li.value = run.number ?? trainedRuns + 1;
    li.className = now ? 'now' : 'ghost';
    const last = run.epochs.at(-1);
    const best = Math.max(...run.epochs.map((e) => e.val_accuracy ?? 0));
    li.textContent = `${run.label}${last === undefined ? '' : ` — ${run.epochs.length} epochs, validation accuracy ${format.accuracy(last.val_accuracy)} (best ${format.accuracy(best)})`}`;
    return li;
  };
  const list = current === null ? [] : [item(current, true), ...ghosts.slice().reverse().map((r) => item(r, false))];
  $('runs').replaceChildren(...list);
}

function showRepeat(run: Run): void {
  const element = $('repro');
  const repeat = findRepeat(run, runs);
  if (repeat === null) {
    element.textContent = 'The same seed gives the same curve, to the last bit: after a run, press Reset and Train to see it.';
    element.dataset.repeat = '';
    return;
  }
  const { earlier, epochs, firstDifference } = repeat;
  const same = firstDifference === null;
  element.dataset.repeat = same ? 'same' : 'different';
  element.textContent = same
    ? `✓ Run ${run.number} has the settings and seed of run ${earlier.number}, and its first ${epochs} epoch${epochs === 1 ? '' : 's'} match it to the last bit.`
    : `✗ Run ${run.number} has the settings and seed of run ${earlier.number}, yet epoch ${firstDifference} differs. That should not happen: please report it.`;
}

function download(name: string, blob: Blob): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
