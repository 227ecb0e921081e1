/** A static file server on 127.0.0.1 for tests that load over HTTP (model.json, the compiled modules). */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.map': 'application/json', '.json': 'application/json' };

export interface StaticServer {
  /** http://127.0.0.1:<port> */
  base: string;
  /** Paths requested so far, in order. */
  requested: string[];
  close(): Promise<void>;
}

/** Serves the files under `root` (404 for anything missing) on a free port. */
export async function serveDirectory(root: string): Promise<StaticServer> {
  const requested: string[] = [];
  const server: Server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname));
    requested.push(path);
    try {
      const body = await readFile(join(root, path));
      response.writeHead(200, { 'content-type': MIME[extname(path)] ?? 'application/octet-stream', 'content-length': body.byteLength });
      response.end(body);
    } catch {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { base, requested, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
