/**
 * Options objects, checked. Every factory and method that takes an options object passes it
 * here first, with a spec that lists each known key and the type its value must have. So a
 * misspelt or Keras-spelt key, or a value of the wrong type, is refused at once with a
 * ConfigError, instead of being ignored and silently leaving a default in place:
 *
 *   fit: unknown option 'batch_size': Keras's snake_case is not accepted here; use 'batchSize'
 *   fit: unknown option 'epoch'; did you mean 'epochs'?
 *   fit: validationSplit must be a number, got the string '0.5'
 *
 * Ranges (a rate in [0, 1), a positive integer) are checked where the option is used.
 */

import { ConfigError } from './errors.js';

/** What a value may be: typeof-style names, plus 'integer', 'array' and 'null'. */
type OptionType = 'number' | 'integer' | 'boolean' | 'string' | 'array' | 'function' | 'object' | 'null';

/** For each key of an options type T, the type (or types) its value may have. */
export type OptionSpec<T> = { readonly [K in keyof Required<T>]: OptionType | readonly OptionType[] };

/**
 * Throws ConfigError unless `options` is undefined or a plain object whose keys are all in
 * `spec` and whose defined values have the types the spec allows.
 */
export function checkOptions<T>(where: string, options: unknown, spec: OptionSpec<T>): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(`${where}: expected an options object { ${Object.keys(spec).join(', ')} }, got ${describe(options)}`);
  }
  const known = Object.keys(spec);
  for (const [key, value] of Object.entries(options)) {
    if (!Object.hasOwn(spec, key)) throw new ConfigError(`${where}: unknown option '${key}'${suggest(key, known)}`);
    if (value === undefined) continue;
    const allowed = spec[key as keyof T] as OptionType | readonly OptionType[];
    const types: readonly OptionType[] = typeof allowed === 'string' ? [allowed] : allowed;
    if (!types.some((type) => hasType(value, type))) {
      throw new ConfigError(`${where}: ${key} must be ${types.map(article).join(' or ')}, got ${describe(value)}`);
    }
  }
}

function hasType(value: unknown, type: OptionType): boolean {
  switch (type) {
    case 'integer': return typeof value === 'number' && Number.isInteger(value);
    case 'array': return Array.isArray(value);
    case 'null': return value === null;
    case 'object': return value !== null && typeof value === 'object' && !Array.isArray(value);
    default: return typeof value === type;
  }
}

function article(type: OptionType): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** How a wrong value reads in a message: the string '0.5', the number 4, an array, ... */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  switch (typeof value) {
    case 'string': return `the string ${JSON.stringify(value)}`;
    case 'number': case 'boolean': return `the ${typeof value} ${String(value)}`;
    case 'bigint': return `the bigint ${String(value)}n`;
    case 'function': return 'a function';
    case 'undefined': return 'undefined';
    case 'object': {
      const name = (value as object).constructor?.name;
      return name && name !== 'Object' ? `a ${name}` : `an object ${preview(value)}`;
    }
    default: return typeof value;
  }
}

function preview(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return '{...}';
  }
}

/** Keras or TF.js spellings whose wasmnn name is not just their camelCase. */
const RENAMED: Record<string, string> = { lr: 'learningRate', nb_epoch: 'epochs', decay: 'weightDecay' };

/** "; did you mean 'epochs'?", the camelCase form of a Keras name, or the list of valid keys. */
function suggest(key: string, known: readonly string[]): string {
  const renamed = RENAMED[key];
  if (renamed !== undefined && known.includes(renamed)) return `: Keras's '${key}' is called '${renamed}' here`;
  const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  if (camel !== key && known.includes(camel)) {
    return `: Keras's snake_case is not accepted here; use '${camel}'`;
  }
  let best = '', bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  if (bestDistance <= Math.max(2, Math.floor(key.length / 3))) return `; did you mean '${best}'?`;
  // A longer or shorter form of a known key: 'tolerance' for 'tol', 'verb' for 'verbose'.
  const lower = key.toLowerCase();
  const stem = known.find((k) => k.length >= 3 && (lower.startsWith(k.toLowerCase()) || k.toLowerCase().startsWith(lower)));
  if (stem !== undefined) return `; did you mean '${stem}'?`;
  return `; expected one of ${known.join(', ')}`;
}

/** Levenshtein distance: the fewest insertions, deletions and substitutions from a to b. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
