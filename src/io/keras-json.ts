/**
 * wasmnn configs ↔ Keras JSON. In memory, configs use TypeScript names, as TensorFlow.js
 * does: `{ className: 'Dense', config: { units: 4, useBias: true } }`. Keras, and the
 * model.json files, use Python names: `{ "class_name": "Dense", "config": { "units": 4,
 * "use_bias": true } }`. Only keys are renamed; values stay as written ('fan_in', layer
 * names, activations).
 *
 *   camelCase → snake_case:  an underscore before each capital (useBias → use_bias), except
 *                            beta1/beta2, which Keras spells beta_1/beta_2
 *   snake_case → camelCase:  each underscore dropped and the next character capitalised
 *                            (use_bias → useBias, beta_1 → beta1, class_name → className)
 *
 * Writing renames a whole config at once (`toKerasJson`). Reading never copies a file's
 * keys into new objects: ConfigReader looks each known option up under its Keras spelling,
 * so a key like "__proto__" stays an unread key (refused as an unknown option).
 */

/** Keys whose Keras spelling does not follow the underscore-before-capital rule. */
const SNAKE_EXCEPTIONS: Record<string, string> = { beta1: 'beta_1', beta2: 'beta_2' };

/** useBias → use_bias. */
export function toSnakeCase(key: string): string {
  return Object.hasOwn(SNAKE_EXCEPTIONS, key) ? SNAKE_EXCEPTIONS[key] : key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** use_bias → useBias. */
export function toCamelCase(key: string): string {
  return key.replace(/_+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A plain data object (from JSON.parse, or an object literal), not an array or class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A wasmnn config (camelCase keys, nested) as Keras JSON (snake_case keys). */
export function toKerasJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toKerasJson);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [toSnakeCase(key), toKerasJson(item)]));
}
