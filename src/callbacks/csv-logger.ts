/**
 * CSVLogger: one row per epoch in a CSV file, as Keras's `CSVLogger` writes it:
 *
 *   epoch,accuracy,loss,val_accuracy,val_loss
 *   0,0.4125,1.2031847,0.55,0.9812044
 *   1,0.6375,0.8830441,0.6,0.8024101
 *
 * The header is `epoch` and then the keys of the first epoch's logs, sorted; `epoch` counts
 * from 0, as in `history.epoch`. Each row is written (and the file closed) when its epoch
 * ends, so the file can be read while training runs. Numbers are written in full
 * (JavaScript's shortest form that reads back to the same value). A key missing from a later
 * epoch is written as NA, as Keras writes it when training stops early; a key that was not
 * in the first epoch has no column, and a warning names it once.
 *
 * Writing files needs Node; the module reaches `node:fs` through `process.getBuiltinModule`,
 * which bundlers for the browser leave alone. In a browser use `lambda` and keep the rows.
 */

import type { Callback, Logs } from './callback.js';
import { checkOptions } from '../options.js';
import { ConfigError } from '../errors.js';

export interface CSVLoggerArgs {
  /** File to write (Keras's `filename`). */
  path: string;
  /** Append to the file if it exists (default false: overwrite). An existing non-empty file gets no second header. */
  append?: boolean;
  /** Field separator (default ','). */
  separator?: string;
}

type FileSystem = typeof import('node:fs');

export class CSVLogger implements Callback {
  readonly path: string;
  readonly append: boolean;
  readonly separator: string;
  private readonly fs: FileSystem;
  /** The columns after `epoch`, fixed by the first epoch's logs. */
  private keys: string[] | null = null;
  private writeHeader = true;
  private warned = false;

  constructor(args: CSVLoggerArgs) {
    checkOptions<CSVLoggerArgs>('csvLogger', args, { path: 'string', append: 'boolean', separator: 'string' });
    if (args === undefined || typeof args.path !== 'string' || args.path === '') {
      throw new ConfigError("csvLogger: 'path' is required, e.g. csvLogger({ path: 'training.csv' })");
    }
    if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') {
      throw new ConfigError('csvLogger: writes a file, so it runs in Node (≥ 20.16); in a browser, collect the logs with nn.callbacks.lambda({ onEpochEnd })');
    }
    this.path = args.path;
    this.append = args.append ?? false;
    this.separator = args.separator ?? ',';
    if (this.separator === '' || /["\r\n]/.test(this.separator)) {
      throw new ConfigError(`csvLogger: separator must be a non-empty string without quotes or line breaks, got ${JSON.stringify(this.separator)}`);
    }
    this.fs = process.getBuiltinModule('node:fs');
  }

  onTrainBegin(): void {
    this.keys = null;
    this.warned = false;
    // Appending to a file that already has lines: its header is there.
    this.writeHeader = !(this.append && this.fs.existsSync(this.path) && this.fs.statSync(this.path).size > 0);
    if (!this.append) this.fs.writeFileSync(this.path, '');
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    if (this.keys === null) {
      this.keys = Object.keys(logs).sort();
      if (this.writeHeader) this.writeLine(['epoch', ...this.keys]);
    }
    const extra = Object.keys(logs).filter((k) => !this.keys?.includes(k));
    if (extra.length > 0 && !this.warned) {
      this.warned = true;
      console.warn(`csvLogger: ${extra.join(', ')} first logged after epoch 0; the columns of ${this.path} were fixed by the first epoch, so they are not written`);
    }
    this.writeLine([String(epoch), ...this.keys.map((k) => (k in logs ? String(logs[k]) : 'NA'))]);
  }

  private writeLine(fields: string[]): void {
    this.fs.appendFileSync(this.path, `${fields.map((f) => this.quote(f)).join(this.separator)}\n`);
  }

  /** A field holding the separator, a quote or a line break is quoted, its quotes doubled (RFC 4180). */
  private quote(field: string): string {
    return field.includes(this.separator) || /["\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
  }
}

/** Writes each epoch's logs as a row of a CSV file (Node); see CSVLogger. */
export function csvLogger(args: CSVLoggerArgs): CSVLogger {
  return new CSVLogger(args);
}
