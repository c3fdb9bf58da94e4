/**
 * Internal: the download cache of the standard data sets. A file is fetched
 * once into `$KERNO_HOME/datasets/` (`KERNO_HOME` defaults to `~/.kerno`),
 * streamed into a temporary file in the same folder with a progress bar on
 * stderr, checked against the checksum Keras (or the publisher) pins, and
 * only then renamed to its final name, so the cache never holds a partial or
 * corrupt file. Nothing read here is ever executed.
 *
 * @module
 */
import { md5Hex } from "./_md5.ts";
import { checkOptions } from "../../engine/options.ts";
import { boolean, reject } from "../../engine/validate.ts";

/** A function that fetches a URL, as the global `fetch` (injectable for tests and proxies). */
export type FetchFunction = (url: string) => Promise<Response>;

/** Options shared by every standard data set's `loadData`. */
export interface DownloadOptions {
  /**
   * A file already on disk to read instead of the cache (for data sets made
   * of several files, the folder holding them). Nothing is downloaded.
   */
  path?: string;
  /**
   * The folder of the cache.
   * @default `$KERNO_HOME/datasets`, `KERNO_HOME` defaulting to `~/.kerno`
   */
  cacheDir?: string;
  /** Show a progress bar (stderr) while downloading. @default true */
  verbose?: boolean;
  /** The function that downloads (a proxy, a mirror, a test double). @default globalThis.fetch */
  fetch?: FetchFunction;
}

/** The keys of {@link DownloadOptions}. */
export const downloadOptionKeys: readonly string[] = [
  "path",
  "cacheDir",
  "verbose",
  "fetch",
] satisfies (keyof DownloadOptions)[];

/** A file a data set is made of: where it comes from and its checksum. */
export interface RemoteFile {
  /** The file's name in the cache. */
  name: string;
  /** Where it is downloaded from. */
  url: string;
  /** The expected digest, lower-case hex. */
  hash: string;
  /** The digest's algorithm. */
  algorithm: "sha256" | "md5";
}

/** The checked options of a `loadData` call. */
export interface ResolvedDownload {
  path: string | undefined;
  cacheDir: string | undefined;
  verbose: boolean;
  fetch: FetchFunction | undefined;
}

/**
 * Checks the download options of `what` (unknown keys included).
 *
 * @param what What was being done, e.g. `"load mnist"`.
 * @param options The options received.
 * @param extra The other keys the entry point knows.
 * @returns The download options.
 */
export function downloadOptions(
  what: string,
  options: DownloadOptions | undefined,
  extra: readonly string[] = [],
): ResolvedDownload {
  const o = checkOptions(what, options, [...downloadOptionKeys, ...extra]);
  for (const key of ["path", "cacheDir"] as const) {
    const v = o[key];
    if (v !== undefined && (typeof v !== "string" || v === "")) {
      reject(what, key, v, "a file or folder path");
    }
  }
  if (o.fetch !== undefined && typeof o.fetch !== "function") {
    reject(what, "fetch", o.fetch, "a function (url) => Promise<Response>");
  }
  return {
    path: o.path,
    cacheDir: o.cacheDir,
    verbose: boolean(what, "verbose", o.verbose, true),
    fetch: o.fetch,
  };
}

/**
 * The cache folder: `cacheDir`, else `$KERNO_HOME/datasets`, else
 * `~/.kerno/datasets`.
 *
 * @param cacheDir The folder given by the caller, if any.
 * @returns The folder's path.
 */
export function cacheFolder(cacheDir?: string): string {
  if (cacheDir !== undefined) return cacheDir;
  let home: string | undefined;
  let kernoHome: string | undefined;
  try {
    kernoHome = Deno.env.get("KERNO_HOME");
    home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
  } catch (error) {
    throw new TypeError(
      `Cannot find the data set cache as reading KERNO_HOME and HOME needs --allow-env: run with --allow-env, or pass { cacheDir } or { path }`,
      { cause: error },
    );
  }
  if (kernoHome) return `${kernoHome}/datasets`;
  if (!home) {
    throw new TypeError(
      `Cannot find the data set cache as neither KERNO_HOME nor HOME is set: set one, or pass { cacheDir } or { path }`,
    );
  }
  return `${home}/.kerno/datasets`;
}

/**
 * Returns the path of `file` in the cache, downloading it first when it is
 * not there. A download that fails leaves nothing behind; a file whose
 * checksum differs is removed and reported.
 *
 * @param what The data set, for messages (`"mnist"`).
 * @param file The file.
 * @param options The checked download options.
 * @returns The cached file's path.
 */
export async function cachedFile(
  what: string,
  file: RemoteFile,
  options: ResolvedDownload,
): Promise<string> {
  const folder = cacheFolder(options.cacheDir);
  const target = `${folder}/${file.name}`;
  if (await exists(target)) return target;
  await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
  const temp = `${target}.part-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await download(what, file.url, temp, target, options);
    const digest = await fileDigest(temp, file.algorithm);
    if (digest !== file.hash) {
      throw new Error(
        `Cannot load ${what} as the file downloaded from ${file.url} has ${file.algorithm} ${digest}, expected ${file.hash}: the download was corrupted or the file changed upstream; it was removed, try again`,
      );
    }
    await Deno.rename(temp, target);
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
  return target;
}

/**
 * The hex digest of a file.
 *
 * @param path The file.
 * @param algorithm `"sha256"` (Web Crypto) or `"md5"`.
 * @returns Lower-case hex.
 */
export async function fileDigest(path: string, algorithm: "sha256" | "md5"): Promise<string> {
  const bytes = await Deno.readFile(path);
  if (algorithm === "md5") return md5Hex(bytes);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Streams `url` into `temp`; any failure names the URL and the cache path. */
async function download(
  what: string,
  url: string,
  temp: string,
  target: string,
  options: ResolvedDownload,
): Promise<void> {
  const offline = (reason: string, cause?: unknown) =>
    new Error(
      `Cannot load ${what} as downloading ${url} failed (${reason}) and no copy is cached at ${target}: connect to the network, or download the file yourself and pass { path } (or put it at ${target})`,
      { cause },
    );
  const get = options.fetch ?? ((u: string) => fetch(u));
  let response: Response;
  try {
    response = await get(url);
  } catch (error) {
    throw offline((error as Error).message ?? String(error), error);
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw offline(`HTTP ${response.status} ${response.statusText}`.trim());
  }
  const total = Number(response.headers.get("content-length") ?? NaN);
  const bar = options.verbose ? new ByteProgress(url, total) : null;
  const out = await Deno.open(temp, { write: true, createNew: true });
  try {
    for await (const chunk of response.body) {
      let written = 0;
      while (written < chunk.length) written += await out.write(chunk.subarray(written));
      bar?.add(chunk.length);
    }
  } catch (error) {
    throw offline(`interrupted: ${(error as Error).message}`, error);
  } finally {
    out.close();
    bar?.done();
  }
}

/** A one-line byte counter on stderr, redrawn at most every 100 ms. */
class ByteProgress {
  #seen = 0;
  #last = 0;
  readonly #total: number;
  readonly #encoder = new TextEncoder();

  constructor(url: string, total: number) {
    this.#total = Number.isFinite(total) && total > 0 ? total : NaN;
    this.#write(`Downloading data from ${url}\n`);
  }

  add(bytes: number): void {
    this.#seen += bytes;
    const now = Date.now();
    if (now - this.#last >= 100) {
      this.#last = now;
      this.#draw();
    }
  }

  done(): void {
    this.#draw();
    this.#write("\n");
  }

  #draw(): void {
    const mb = (n: number) => (n / 1e6).toFixed(1);
    if (Number.isNaN(this.#total)) {
      this.#write(`\r${mb(this.#seen)} MB`);
      return;
    }
    const width = 30;
    const filled = Math.min(width, Math.floor((width * this.#seen) / this.#total));
    const bar = "=".repeat(filled) + (filled < width ? ">" : "") +
      ".".repeat(Math.max(0, width - filled - 1));
    this.#write(`\r${mb(this.#seen)}/${mb(this.#total)} MB [${bar}]`);
  }

  #write(text: string): void {
    try {
      Deno.stderr.writeSync(this.#encoder.encode(text));
    } catch {
      // stderr closed: the download goes on silently.
    }
  }
}
