/**
 * Typed errors. Each names the layer or argument at fault and says what was expected and
 * what was found, so a user can fix the call without reading our source.
 */

/** Base class: `instanceof WasmnnError` catches every error wasmnn raises on purpose. */
export class WasmnnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tensor or array has the wrong shape or length. */
export class ShapeError extends WasmnnError {}

/** A value is out of its allowed range: NaN/Infinity in data, a label out of range, a negative rate. */
export class ValueError extends WasmnnError {}

/** A configuration is invalid: unknown name, missing compile, wrong option type. */
export class ConfigError extends WasmnnError {}

/**
 * A saved model's files do not hold what the format promises: unreadable JSON, a missing or
 * mistyped field, or weight bytes that do not match the manifest (truncated, extra, a shape
 * that disagrees with the layer, a weight listed twice or not at all).
 */
export class ModelFormatError extends WasmnnError {}

/** A data file is malformed: a bad magic number, an unknown type code, a length that disagrees with its header, a missing file. */
export class DataError extends WasmnnError {}

/** The WebAssembly kernels could not be loaded or compiled; the message says where it looked and the fix. */
export class BackendError extends WasmnnError {}

/** A kernel's output overlaps an input it may not alias. */
export class AliasError extends WasmnnError {}

/** A model, layer or tensor was used after `dispose()` returned its memory. */
export class DisposedError extends WasmnnError {}

/** An allocation would not fit in WebAssembly memory (4 GiB in all); nothing was allocated. */
export class MemoryLimitError extends WasmnnError {}

/**
 * What a NonFiniteLossError carries of the interrupted fit: its History (callbacks/history.ts),
 * described here by the fields a caller reads, so that this file imports nothing.
 */
export interface InterruptedHistory {
  /** Epoch numbers that completed. */
  readonly epoch: readonly number[];
  /** Per-metric lists, one value per completed epoch. */
  readonly history: Readonly<Record<string, number[]>>;
  /** The epoch training stopped in. */
  readonly stoppedEpoch: number | null;
  /** Why training stopped: the same text as the error's message. */
  readonly stopReason: string | null;
}

/** Training produced a non-finite loss; the model keeps its last finite weights. */
export class NonFiniteLossError extends WasmnnError {
  /** The History of the interrupted fit (the epochs completed before the failing one). */
  readonly history: InterruptedHistory | undefined;
  constructor(message: string, history?: InterruptedHistory) {
    super(message);
    this.history = history;
  }
}

/** Formats a shape for messages: [32, 784]. */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}
