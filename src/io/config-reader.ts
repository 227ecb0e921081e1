/**
 * Reading an untrusted config (from a file, or an object a user built): every read checks the
 * type, and an error names the class, the option, what was expected and what was found:
 *
 *   Dense (layer 1): option 'units' must be an integer in [1, 1073741824], got "ten"
 *
 * `done()` then refuses any option that nothing read, so an option wasmnn does not implement
 * is never silently dropped. Keras writes some options that wasmnn supports at one value
 * only (`activity_regularizer: null`, `axis: -1`); those are `FixedOption`s, accepted at that
 * value and refused otherwise.
 *
 * Options are asked for by their TypeScript name ('useBias'). A config read from a Keras file
 * (`style: 'keras'`) holds them under the Keras name ('use_bias'); the camelCase name is
 * accepted there too, since TensorFlow.js writes its optimizer configs that way. Keys are
 * only ever looked up, never copied, so no key of a file can reach an object's prototype.
 */

import { ConfigError } from '../errors.js';
import { isPlainObject, toSnakeCase } from './keras-json.js';

/** How a config spells its keys: wasmnn's camelCase, or Keras's snake_case. */
export type KeyStyle = 'camel' | 'keras';

/** An option Keras writes that wasmnn implements only at one value. */
export interface FixedOption {
  /** The value Keras would write for what wasmnn computes. */
  value: unknown;
  /** Whether a value read from a file means the same (default: the same JSON as `value`). */
  accepts?: (value: unknown) => boolean;
  /** false for options only newer Keras versions write (older ones refuse unknown keys). */
  write?: boolean;
}

/** A value in an error message: short JSON, or its type when it has none. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined; // cyclic, or a BigInt
  }
  if (text === undefined) return `a ${typeof value}`;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The key under which `config` holds option `name` in `style`, or undefined. */
function findKey(config: Record<string, unknown>, name: string, style: KeyStyle, where: string): string | undefined {
  const spellings = style === 'keras' && toSnakeCase(name) !== name ? [toSnakeCase(name), name] : [name];
  const found = spellings.filter((key) => Object.hasOwn(config, key));
  if (found.length > 1) throw new ConfigError(`${where}: option '${found[0]}' is given twice (also as '${found[1]}')`);
  return found[0];
}

export class ConfigReader {
  private readonly read = new Set<string>();
  readonly config: Record<string, unknown>;

  /** `where` names the object in messages: "Dense (layer 2)". */
  constructor(readonly where: string, config: unknown, readonly style: KeyStyle = 'camel') {
    if (!isPlainObject(config)) throw new ConfigError(`${where}: config must be an object, got ${describe(config)}`);
    this.config = config;
  }

  /** The raw value of option `name` (undefined when absent), marking it as read. */
  raw(name: string): unknown {
    const key = findKey(this.config, name, this.style, this.where);
    if (key === undefined) return undefined;
    this.read.add(key);
    return this.config[key];
  }

  /** A finite number; `fallback` when absent or null, else the option is required. */
  number(name: string, fallback?: number): number {
    const value = this.present(name, fallback);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw this.wrongType(name, 'a finite number', value);
    return value;
  }

  /** An integer in [min, max]. */
  integer(name: string, min: number, max: number, fallback?: number): number {
    const value = this.present(name, fallback);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw this.wrongType(name, `an integer in [${min}, ${max}]`, value);
    }
    return value;
  }

  /** An integer, or null when absent (a seed). */
  integerOrNull(name: string): number | null {
    const value = this.raw(name);
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw this.wrongType(name, 'an integer or null', value);
    return value;
  }

  boolean(name: string, fallback?: boolean): boolean {
    const value = this.present(name, fallback);
    if (typeof value !== 'boolean') throw this.wrongType(name, 'true or false', value);
    return value;
  }

  string(name: string, fallback?: string): string {
    const value = this.present(name, fallback);
    if (typeof value !== 'string') throw this.wrongType(name, 'a string', value);
    return value;
  }

  /** Options Keras writes that wasmnn supports at one value only; absent is fine. */
  fixed(options: Record<string, FixedOption>): void {
    for (const [name, option] of Object.entries(options)) {
      const value = this.raw(name);
      if (value === undefined) continue;
      const accepted = option.accepts ? option.accepts(value) : describe(value) === describe(option.value);
      if (!accepted) {
        throw new ConfigError(`${this.where}: option '${this.spell(name)}' = ${describe(value)} is not supported; wasmnn implements only ${describe(option.value)}`);
      }
    }
  }

  /** Refuses every option that nothing read. */
  done(): void {
    for (const key of Object.keys(this.config)) {
      if (!this.read.has(key)) throw new ConfigError(`${this.where}: unsupported option '${key}'`);
    }
  }

  /** An error for option `name` holding the wrong kind of value. */
  wrongType(name: string, expected: string, value: unknown): ConfigError {
    return new ConfigError(`${this.where}: option '${this.spell(name)}' must be ${expected}, got ${describe(value)}`);
  }

  /** The option's name as this config spells it. */
  spell(name: string): string {
    return findKey(this.config, name, this.style, this.where) ?? (this.style === 'keras' ? toSnakeCase(name) : name);
  }

  /** The value, or the fallback when absent or null; a missing required option is an error. */
  private present(name: string, fallback: unknown): unknown {
    const value = this.raw(name);
    if (value !== undefined && value !== null) return value;
    if (fallback === undefined) throw new ConfigError(`${this.where}: option '${this.spell(name)}' is required`);
    return fallback;
  }
}
