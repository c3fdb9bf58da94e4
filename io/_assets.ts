/**
 * Layer assets (Keras's `save_assets`/`load_assets`): each layer that
 * overrides a hook gets a directory of its own, `assets/<layer path>` (the
 * layer path of Keras 3's weights layout; the model's own is `assets`
 * itself). In a `.keras` archive the files are zip entries under `assets/`,
 * staged through a temporary directory; in a TensorFlow.js directory they
 * live in its `assets/` subfolder.
 *
 * @module
 */
import type { Layer } from "../engine/layer.ts";
import { h5Layout } from "./_weights.ts";
import { assetDir, usesAssets } from "./_hooks.ts";

/** The folder (and zip prefix) of the assets. */
export const ASSETS = "assets";

function assetLayers(model: Layer, which: "save" | "load"): { path: string; layer: Layer }[] {
  return h5Layout(model).filter(({ layer }) => usesAssets(layer, which));
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "kerno-assets-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

async function listFiles(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(prefix === "" ? root : `${root}/${prefix}`)) {
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory) out.push(...await listFiles(root, rel));
    else if (entry.isFile) out.push(rel);
  }
  return out;
}

/**
 * Calls `saveAssets` of every layer that overrides it, each with its own
 * directory under `root` (created first).
 *
 * @param model The model.
 * @param root The assets folder.
 */
async function saveInto(model: Layer, root: string): Promise<void> {
  for (const { path, layer } of assetLayers(model, "save")) {
    const dir = assetDir(root, path);
    await Deno.mkdir(dir, { recursive: true });
    await layer.saveAssets(dir);
  }
}

/**
 * The zip entries of the model's assets, `assets/<layer path>/<file>`;
 * none when no layer overrides `saveAssets`.
 *
 * @param model The model.
 * @returns The entries by name.
 */
export async function saveArchiveAssets(model: Layer): Promise<Record<string, Uint8Array>> {
  if (assetLayers(model, "save").length === 0) return {};
  return await withTempDir(async (tmp) => {
    await saveInto(model, tmp);
    const entries: Record<string, Uint8Array> = {};
    for (const rel of await listFiles(tmp)) {
      entries[`${ASSETS}/${rel}`] = await Deno.readFile(`${tmp}/${rel}`);
    }
    return entries;
  });
}

/**
 * Calls `loadAssets` of every layer that overrides it, with the archive's
 * `assets/` entries written to a temporary directory for the call.
 *
 * @param model The loaded model.
 * @param entries The archive's entries.
 * @param file The archive, for messages.
 */
export async function loadArchiveAssets(
  model: Layer,
  entries: Record<string, Uint8Array>,
  file: string,
): Promise<void> {
  const layers = assetLayers(model, "load");
  if (layers.length === 0) return;
  await withTempDir(async (tmp) => {
    for (const [name, bytes] of Object.entries(entries)) {
      if (!name.startsWith(`${ASSETS}/`)) continue;
      const rel = name.slice(ASSETS.length + 1);
      const parts = rel.split("/");
      if (rel.includes("\\") || parts.some((p) => p === "" || p === "." || p === "..")) {
        throw new TypeError(
          `Cannot load ${file} as its asset entry ${
            JSON.stringify(name)
          } is not a plain relative path`,
        );
      }
      await Deno.mkdir(`${tmp}/${parts.slice(0, -1).join("/")}`, { recursive: true });
      await Deno.writeFile(`${tmp}/${rel}`, bytes);
    }
    for (const { path, layer } of layers) {
      const dir = assetDir(tmp, path);
      await Deno.mkdir(dir, { recursive: true });
      await layer.loadAssets(dir);
    }
  });
}

/**
 * Writes the model's assets into `dir/assets/` (replacing what an earlier
 * save left there); nothing when no layer overrides `saveAssets`.
 *
 * @param model The model.
 * @param dir The TensorFlow.js model directory.
 */
export async function saveDirAssets(model: Layer, dir: string): Promise<void> {
  if (assetLayers(model, "save").length === 0) return;
  const root = `${dir}/${ASSETS}`;
  await Deno.remove(root, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  await saveInto(model, root);
}

/**
 * Calls `loadAssets` of every layer that overrides it, with its directory
 * under `dir/assets/`.
 *
 * @param model The loaded model.
 * @param dir The TensorFlow.js model directory.
 */
export async function loadDirAssets(model: Layer, dir: string): Promise<void> {
  for (const { path, layer } of assetLayers(model, "load")) {
    await layer.loadAssets(assetDir(`${dir}/${ASSETS}`, path));
  }
}
