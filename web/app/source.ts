/**
 * Links to the library's own files ("src/layers/dropout.ts"): each control says which file
 * implements it. The base is VITE_SOURCE_BASE when the site is built with one (a repository
 * browser's address, ending in '/'); otherwise the repository root as seen from the page,
 * web/dist/ → ../../ (the dev and preview servers serve those files as text, see vite.config.ts).
 */

const SOURCE_BASE: string = import.meta.env.VITE_SOURCE_BASE ?? '../../';

/** An <a> to a file of the repository, showing its path. */
export function sourceLink(path: string): HTMLAnchorElement {
  const link = document.createElement('a');
  link.href = SOURCE_BASE + path;
  link.textContent = path;
  link.className = 'source';
  link.target = '_blank';
  link.rel = 'noopener';
  return link;
}
