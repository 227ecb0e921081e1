/**
 * The playground's Vite config: `npm run playground` (dev server, hot reload) and
 * `npm run build:web` (a static site in web/dist/).
 *
 * - `import * as nn from 'wasmnn'` is aliased to the library's source (src/index.ts), not to
 *   the built dist/. The site then needs only what `npm ci` already makes (the kernels in
 *   build/, by `prepare`): no `npm run build:js` first, no stale dist/ to pick up by mistake,
 *   and library edits hot-reload in the page. The kernels are found as the source finds them,
 *   `new URL('../../build/kernels.wasm', import.meta.url)`, which Vite copies as assets.
 *   (How an installed package resolves through "exports" to dist/ is checked apart, by
 *   test-e2e/package.e2e.ts.)
 * - `base: './'`: every URL in the site is relative, so web/dist works from any static
 *   server, at the root or under a sub-path.
 * - Cross-origin isolation headers (COOP/COEP) in dev and preview, so the page may use
 *   SharedArrayBuffer (a threaded backend) where the library has one; see app/worker.ts.
 * - Links to the library's files (`src/layers/dropout.ts`) are relative to the repository
 *   root (app/source.ts); the dev and preview servers serve those files as plain text so the
 *   links work there too.
 */
import { readFile } from 'node:fs/promises';
import { normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Connect, type Plugin } from 'vite';

const repository = fileURLToPath(new URL('..', import.meta.url));

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Serves the library's own files (src/, assembly/, docs/) as plain text in the dev and preview servers. */
function repositorySource(): Plugin {
  const serve: Connect.NextHandleFunction = async (request, response, next) => {
    const path = normalize(decodeURIComponent((request.url ?? '').split('?')[0])).replace(/^\/+/, '');
    if (!/^(src|assembly|docs)\/[\w./-]+$/.test(path) || path.includes('..')) return next();
    try {
      const text = await readFile(repository + path, 'utf8');
      response.setHeader('content-type', 'text/plain; charset=utf-8');
      response.end(text);
    } catch {
      next();
    }
  };
  return {
    name: 'wasmnn-repository-source',
    configureServer: (server) => void server.middlewares.use(serve),
    configurePreviewServer: (server) => void server.middlewares.use(serve),
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [{ find: /^wasmnn$/, replacement: `${repository}src/index.ts` }],
  },
  plugins: [repositorySource()],
  worker: { format: 'es' },
  server: { headers: isolation, fs: { allow: [repository] } },
  preview: { headers: isolation },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The digits asset (1.6 MB) is data, not code; uPlot and the library stay well below.
    chunkSizeWarningLimit: 600,
  },
});
