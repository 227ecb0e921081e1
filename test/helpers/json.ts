/** Editing parsed JSON in tests (model.json variants). */

/** A parsed JSON object, edited in place. */
export type Json = Record<string, unknown>;

/** The object at `path` inside parsed JSON: at(json, 'weightsManifest', 0). */
export function at(root: unknown, ...path: (string | number)[]): Json {
  let node: unknown = root;
  for (const step of path) node = (node as Record<string | number, unknown>)[step];
  return node as Json;
}
