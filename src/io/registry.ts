/**
 * The className registry: how a saved `{ className, config }` becomes an object again, as
 * TensorFlow.js's `serialization.registerClass` and Keras's `get_registered_object` do.
 *
 *   serialize(layer)                         → { className: 'Dense', config: layer.getConfig() }
 *   layerClasses.fromConfig({ className, config }) → a new Dense
 *
 * and `getConfig → fromConfig → getConfig` gives the same JSON. There is one registry per
 * kind (layers, optimizers, regularizers, initializers), so an error can say what kind of
 * class was expected and list the ones that exist. Lookup is by own key of a Map: a class
 * name from a file never reaches anything but a registered function.
 */

import { ConfigError } from '../errors.js';
import { ConfigReader, describe, type FixedOption, type KeyStyle } from './config-reader.js';
import { isPlainObject, toKerasJson } from './keras-json.js';

/** What getConfig and fromConfig exchange. */
export interface Serialized {
  className: string;
  config: Record<string, unknown>;
}

/** Anything with a class name and a config. */
export interface Serializable {
  readonly className: string;
  getConfig(): Record<string, unknown>;
}

/**
 * Builds an object from its config. It reads every option through `r` (which checks types
 * and names the option in errors), calls `r.done()` to refuse the options it did not read,
 * then constructs.
 */
export type FromConfig<T> = (r: ConfigReader) => T;

/** How one class is read, and how it is saved in Keras JSON. */
export interface ClassEntry<T> {
  fromConfig: FromConfig<T>;
  /** Options Keras writes that wasmnn fixes at one value: written on save, checked on load. */
  kerasOptions: Record<string, FixedOption>;
  /**
   * Rewrites the serialized object for Keras and TensorFlow.js when wasmnn's own form is not
   * one both read (L2 → L1L2, the only penalty class TensorFlow.js registers); may refuse
   * with a ConfigError when the format has no way to say it.
   */
  toKeras?: (serialized: Serialized) => Serialized;
}

export class ClassRegistry<T> {
  private readonly entries = new Map<string, ClassEntry<T>>();

  /** `kind` names the registry in messages: 'layer', 'optimizer', ... */
  constructor(readonly kind: string) {}

  register(className: string, fromConfig: FromConfig<T>, options: Partial<Omit<ClassEntry<T>, 'fromConfig'>> = {}): void {
    this.entries.set(className, { fromConfig, kerasOptions: options.kerasOptions ?? {}, toKeras: options.toKeras });
  }

  /** Registered class names, for messages. */
  classNames(): string[] {
    return [...this.entries.keys()];
  }

  /** The entry of `className`; a ConfigError naming it and listing the known ones otherwise. */
  entry(className: unknown, where: string): ClassEntry<T> {
    const entry = typeof className === 'string' ? this.entries.get(className) : undefined;
    if (entry === undefined) {
      throw new ConfigError(`${where}: unsupported ${this.kind} class ${describe(className)}; wasmnn reads ${this.classNames().join(', ')}`);
    }
    return entry;
  }

  /**
   * A new object from `{ className, config }` (config defaults to {}), with keys in `style`:
   * camelCase from getConfig, snake_case from a Keras file.
   */
  fromConfig(serialized: unknown, where: string, style: KeyStyle = 'camel'): T {
    const { className, config } = readSerialized(serialized, where, style);
    const entry = this.entry(className, where);
    const r = new ConfigReader(`${className} (${where})`, config, style);
    r.fixed(entry.kerasOptions);
    const object = entry.fromConfig(r);
    r.done();
    return object;
  }

  /**
   * Keras JSON of a serialized object: `{ class_name, config }` with snake_case keys and the
   * Keras-only options added, after this class's `toKeras` rewrite.
   */
  toKeras(serialized: Serialized): KerasSerialized {
    const entry = this.entry(serialized.className, `saving ${serialized.className}`);
    const fixed = Object.fromEntries(Object.entries(entry.kerasOptions).filter(([, option]) => option.write !== false).map(([key, option]) => [key, option.value]));
    let rewritten: Serialized = { className: serialized.className, config: { ...serialized.config, ...fixed } };
    if (entry.toKeras) rewritten = entry.toKeras(rewritten);
    return { class_name: rewritten.className, config: toKerasJson(rewritten.config) as Record<string, unknown> };
  }
}

/** A serialized object as Keras writes it. */
export interface KerasSerialized {
  class_name: string;
  config: Record<string, unknown>;
}

/** `{ className, config }` of an object. */
export function serialize(object: Serializable): Serialized {
  return { className: object.className, config: object.getConfig() };
}

/** Reads the `{ className, config }` shape (ignoring Keras 3's module and registered_name). */
export function readSerialized(value: unknown, where: string, style: KeyStyle): Serialized {
  const r = new ConfigReader(where, value, style);
  const className = r.raw('className');
  if (typeof className !== 'string') throw r.wrongType('className', 'a string', className);
  const config = r.raw('config') ?? {};
  if (!isPlainObject(config)) throw r.wrongType('config', 'an object', config);
  r.raw('module');
  r.raw('registeredName');
  r.done();
  return { className, config };
}
