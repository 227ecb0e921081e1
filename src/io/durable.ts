/**
 * Durable writes in Node: data that has reached the disk, not only the page cache, before
 * the next step relies on it. node:fs is reached at the call, through getBuiltinModule (not
 * an import, which bundlers for the browser would try to resolve), so browsers, which never
 * call these, can load this module.
 *
 *   writeAndSync(path, data)     write, fsync the file, close
 *   syncDirectory(dir)           fsync the directory, making its entries (new names,
 *                                renames) durable too
 *   replaceFile(path, data)      write `path.tmp`, fsync it, rename it over `path`: a reader
 *                                sees the old file or the new one, never a partial one
 */

/** Writes `data` to `path` and fsyncs it before closing. */
export async function writeAndSync(path: string, data: Uint8Array | string): Promise<void> {
  const { open } = process.getBuiltinModule('node:fs/promises');
  const file = await open(path, 'w');
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * fsyncs a directory, so that the files created and renamed in it survive a power loss.
 * Some platforms cannot open a directory for syncing (Windows); there the rename itself is
 * what the filesystem offers, and this does nothing.
 */
export async function syncDirectory(dir: string): Promise<void> {
  const { open } = process.getBuiltinModule('node:fs/promises');
  const handle = await open(dir, 'r').catch(() => null);
  if (handle === null) return;
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw error;
  } finally {
    await handle.close();
  }
}

/** Replaces `path` by `data` through a synced temporary file in the same directory and a rename. */
export async function replaceFile(path: string, data: Uint8Array | string): Promise<void> {
  const { rename } = process.getBuiltinModule('node:fs/promises');
  const temporary = `${path}.tmp`;
  await writeAndSync(temporary, data);
  await rename(temporary, path);
}
