/**
 * Crash-safe file writes: every file kerno saves goes through
 * `writeFileAtomic`, which writes a temporary file in the same directory,
 * flushes it to disk, and renames it over the target. A crash at any moment
 * leaves either the old file or the new one, never a torn one.
 *
 * @module
 */

/** Suffix of the temporary files; loaders never read files ending in it. */
export const TEMP_SUFFIX = ".kerno-tmp";

/**
 * Writes `data` to `path` atomically (temp file in the same directory,
 * fsync, rename, then fsync of the directory where the platform allows it).
 *
 * @param path The target file.
 * @param data Bytes, or a string written as UTF-8.
 * @returns When the new file is in place and flushed.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const { dir, base } = splitPath(path);
  const tmp = `${dir}/.${base}.${Deno.pid}.${randomTag()}${TEMP_SUFFIX}`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
    await file.syncData();
  } catch (error) {
    file.close();
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
  file.close();
  try {
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
  await syncDirectory(dir);
}

/**
 * Splits a path into its directory (`.` when none) and base name.
 *
 * @param path A file path.
 * @returns `{ dir, base }`.
 */
export function splitPath(path: string): { dir: string; base: string } {
  const i = path.lastIndexOf("/");
  return i < 0
    ? { dir: ".", base: path }
    : { dir: path.slice(0, i) || "/", base: path.slice(i + 1) };
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await Deno.open(dir, { read: true });
    try {
      await handle.sync();
    } finally {
      handle.close();
    }
  } catch {
    // Some platforms cannot open or sync a directory; the rename is still atomic there.
  }
}

function randomTag(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
