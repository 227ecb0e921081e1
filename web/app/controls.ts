/**
 * The controls: one field per setting of the config, each with a sentence or two in the
 * lessons' terms and a link to the file of the library that implements it. `readConfig`
 * turns the form into a PlaygroundConfig; `showConfig` puts one into the form.
 */

import { CHOICES, DEFAULTS, type DatasetName, type PlaygroundConfig } from './config.js';
import { EXPLANATIONS } from './explanations.js';
import { sourceLink } from './source.js';

type Option = { value: string; text: string };

const percent = (v: number) => `${Math.round(v * 100)}%`;
const factor = (v: number) => (v === 0 ? 'none' : String(v));
const options = (values: readonly (number | string)[], label: (v: never) => string = String): Option[] =>
  values.map((v) => ({ value: String(v), text: label(v as never) }));

function select(id: string, choices: Option[]): HTMLSelectElement {
  const element = document.createElement('select');
  element.id = id;
  setOptions(element, choices);
  return element;
}

function setOptions(element: HTMLSelectElement, choices: Option[]): void {
  element.replaceChildren(...choices.map(({ value, text }) => new Option(text, value)));
}

/** A labelled field with its explanation and source links. */
function field(key: string, label: string, input: HTMLElement, extra: HTMLElement[] = []): HTMLElement {
  const wrapper = document.createElement('div');
  wrapper.className = 'field';
  wrapper.dataset.field = key;
  const title = document.createElement('label');
  title.textContent = label;
  if (input.id !== '') title.htmlFor = input.id;
  const row = document.createElement('div');
  row.className = 'field-row';
  row.append(title, input);
  wrapper.append(row, ...extra, explanation(key));
  return wrapper;
}

function explanation(key: string): HTMLElement {
  const { text, sources } = EXPLANATIONS[key];
  const paragraph = document.createElement('p');
  paragraph.className = 'why';
  paragraph.append(`${text} `);
  for (const [i, path] of sources.entries()) paragraph.append(i > 0 ? ', ' : '', sourceLink(path));
  return paragraph;
}

function group(title: string, ...fields: HTMLElement[]): HTMLElement {
  const fieldset = document.createElement('fieldset');
  const legend = document.createElement('legend');
  legend.textContent = title;
  fieldset.append(legend, ...fields);
  return fieldset;
}

const isPlane = (dataset: DatasetName) => dataset !== 'digits';

/** The control panel in `root`; `onChange` runs after any change a user makes. */
export class Controls {
  private readonly dataset = select('dataset', [
    { value: 'spirals', text: 'spirals (2-D)' }, { value: 'blobs', text: 'blobs (2-D)' }, { value: 'digits', text: 'digits (MNIST)' },
  ]);
  private readonly trainSize = select('train-size', []);
  private readonly noise = select('noise', options(CHOICES.noise));
  private readonly layers = document.createElement('div');
  private readonly addLayer = document.createElement('button');
  private readonly activation = select('activation', options(['relu', 'tanh', 'sigmoid']));
  private readonly batchNorm = document.createElement('input');
  private readonly l1 = select('l1', options(CHOICES.penalty, factor));
  private readonly l2 = select('l2', options(CHOICES.penalty, factor));
  private readonly optimizer = select('optimizer', options(['adam', 'sgd', 'rmsprop', 'adamw']));
  private readonly learningRate = select('learning-rate', options(CHOICES.learningRate));
  private readonly batchSize = select('batch-size', options(CHOICES.batchSize));
  private readonly epochs = select('epochs', options(CHOICES.epochs));
  private readonly patience = select('patience', options(CHOICES.patience, (p: number) => (p === 0 ? 'off' : `${p} epochs`)));
  private readonly seed = document.createElement('input');

  constructor(root: HTMLElement, private readonly onChange: () => void) {
    this.batchNorm.type = 'checkbox';
    this.batchNorm.id = 'batch-norm';
    this.seed.type = 'number';
    this.seed.id = 'seed';
    this.seed.min = '0';
    this.seed.max = '999999';
    this.seed.step = '1';
    this.layers.className = 'layers';
    this.addLayer.type = 'button';
    this.addLayer.className = 'small';
    this.addLayer.textContent = '+ layer';
    this.addLayer.addEventListener('click', () => {
      const widths = this.hiddenRows();
      this.setLayers([...widths, { units: widths.at(-1)?.units ?? 16, rate: 0 }]);
      this.onChange();
    });

    root.append(
      group('Data',
        field('dataset', 'Data set', this.dataset),
        field('trainSize', 'Training samples', this.trainSize),
        field('noise', 'Noise', this.noise)),
      group('Network',
        field('hidden', 'Hidden layers', this.addLayer, [this.layers]),
        explanation('dropout'),
        field('activation', 'Activation', this.activation),
        field('batchNorm', 'Batch norm', this.batchNorm)),
      group('Penalties',
        field('l1', 'L1 λ', this.l1),
        field('l2', 'L2 λ', this.l2)),
      group('Training',
        field('optimizer', 'Optimizer', this.optimizer),
        field('learningRate', 'Learning rate', this.learningRate),
        field('batchSize', 'Batch size', this.batchSize),
        field('epochs', 'Epochs', this.epochs),
        field('patience', 'Early stopping', this.patience),
        field('seed', 'Seed', this.seed)),
    );
    root.addEventListener('change', (event) => {
      if (event.target === this.dataset) this.show(DEFAULTS[this.dataset.value as DatasetName]);
      this.onChange();
    });
  }

  /** Puts `config` into the form. */
  show(config: PlaygroundConfig): void {
    const plane = isPlane(config.dataset);
    this.dataset.value = config.dataset;
    setOptions(this.trainSize, options(plane ? CHOICES.trainSize.plane : CHOICES.trainSize.digits, (n: number) => n.toLocaleString('en')));
    this.trainSize.value = String(config.trainSize);
    this.noise.value = String(config.noise);
    (this.noise.closest('.field') as HTMLElement | null)?.toggleAttribute('hidden', !plane);
    this.setLayers(config.hidden.map((units, i) => ({ units, rate: config.dropout[i] ?? 0 })));
    this.activation.value = config.activation;
    this.batchNorm.checked = config.batchNorm;
    this.l1.value = String(config.l1);
    this.l2.value = String(config.l2);
    this.optimizer.value = config.optimizer;
    this.learningRate.value = String(config.learningRate);
    this.batchSize.value = String(config.batchSize);
    this.epochs.value = String(config.epochs);
    this.patience.value = String(config.patience);
    this.seed.value = String(config.seed);
  }

  /** The config the form shows. */
  read(): PlaygroundConfig {
    const rows = this.hiddenRows();
    const seed = Math.trunc(Number(this.seed.value));
    return {
      dataset: this.dataset.value as DatasetName,
      trainSize: Number(this.trainSize.value),
      noise: Number(this.noise.value),
      hidden: rows.map((r) => r.units),
      activation: this.activation.value as PlaygroundConfig['activation'],
      dropout: rows.map((r) => r.rate),
      l1: Number(this.l1.value),
      l2: Number(this.l2.value),
      batchNorm: this.batchNorm.checked,
      optimizer: this.optimizer.value as PlaygroundConfig['optimizer'],
      learningRate: Number(this.learningRate.value),
      batchSize: Number(this.batchSize.value),
      epochs: Number(this.epochs.value),
      patience: Number(this.patience.value),
      seed: Number.isFinite(seed) && seed >= 0 ? seed : 0,
    };
  }

  private hiddenRows(): { units: number; rate: number }[] {
    return [...this.layers.querySelectorAll<HTMLElement>('.layer:not(.head)')].map((row) => ({
      units: Number(row.querySelector<HTMLSelectElement>('.units')?.value),
      rate: Number(row.querySelector<HTMLSelectElement>('.rate')?.value),
    }));
  }

  /** One row per hidden layer: its width, its dropout rate, and a button that removes it. */
  private setLayers(rows: { units: number; rate: number }[]): void {
    const head = document.createElement('div');
    head.className = 'layer head';
    head.append(...['', 'units', 'dropout', ''].map((text) => Object.assign(document.createElement('span'), { textContent: text })));
    this.layers.replaceChildren(...(rows.length > 0 ? [head] : []), ...rows.map(({ units, rate }, i) => {
      const row = document.createElement('div');
      row.className = 'layer';
      const name = document.createElement('span');
      name.textContent = `layer ${i + 1}`;
      const width = select(`units-${i + 1}`, options(CHOICES.units));
      width.className = 'units';
      width.value = String(units);
      width.setAttribute('aria-label', `units of hidden layer ${i + 1}`);
      const dropout = select(`dropout-${i + 1}`, options(CHOICES.dropout, percent));
      dropout.className = 'rate';
      dropout.value = String(rate);
      dropout.setAttribute('aria-label', `dropout rate after hidden layer ${i + 1}`);
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'small remove';
      remove.textContent = '×';
      remove.title = `remove layer ${i + 1}`;
      remove.addEventListener('click', () => {
        this.setLayers(this.hiddenRows().filter((_, j) => j !== i));
        this.onChange();
      });
      row.append(name, width, dropout, remove);
      return row;
    }));
    this.addLayer.disabled = rows.length >= CHOICES.maxHiddenLayers;
  }

  /** Disables the form while training (a change would start a new run anyway). */
  setEnabled(enabled: boolean): void {
    for (const element of this.root().querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLButtonElement>('input, select, button')) {
      element.disabled = !enabled || (element === this.addLayer && this.hiddenRows().length >= CHOICES.maxHiddenLayers);
    }
  }

  private root(): HTMLElement {
    return this.dataset.closest('fieldset')?.parentElement as HTMLElement;
  }
}
