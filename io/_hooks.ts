/**
 * The serialization hooks of Keras's saving guide, as saving and loading
 * call them: `saveOwnVariables`/`loadOwnVariables` (a layer's own weights
 * through a dict-like store keyed `"0"`, `"1"`, …) and
 * `saveAssets`/`loadAssets` (a directory per layer). `getBuildConfig`/
 * `buildFromConfig` are called where the topology is written and read
 * (`_topology.ts`).
 *
 * A layer that overrides neither variable hook is saved and restored with
 * every other such layer in one pass (all shapes checked before any weight
 * changes); a layer that overrides either goes through its hooks, the
 * default one standing in for the hook it does not override.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { describe, Layer, type VariableStore } from "../engine/layer.ts";
import type { WeightValue } from "./_binary.ts";
import { h5Layout } from "./_weights.ts";

/**
 * Whether saving and loading go through the layer's variable hooks: it
 * overrides `saveOwnVariables` or `loadOwnVariables`.
 *
 * @param layer The layer.
 * @returns `true` when either hook is the layer's own.
 */
export function usesVariableHooks(layer: Layer): boolean {
  return layer.saveOwnVariables !== Layer.prototype.saveOwnVariables ||
    layer.loadOwnVariables !== Layer.prototype.loadOwnVariables;
}

/**
 * Whether the layer overrides `saveAssets` or `loadAssets`.
 *
 * @param layer The layer.
 * @param which `"save"` or `"load"`.
 * @returns `true` when that hook is the layer's own.
 */
export function usesAssets(layer: Layer, which: "save" | "load"): boolean {
  return which === "save"
    ? layer.saveAssets !== Layer.prototype.saveAssets
    : layer.loadAssets !== Layer.prototype.loadAssets;
}

/**
 * Calls `layer.saveOwnVariables(store)` and reads the store: one value per
 * key, in the store's key order, its spec named by the key. Tensors the
 * hook made are freed.
 *
 * @param layer The layer.
 * @returns The values.
 */
export function savedOwnVariables(layer: Layer): WeightValue[] {
  const values: WeightValue[] = [];
  tf.tidy(() => {
    const store: VariableStore = {};
    layer.saveOwnVariables(store);
    for (const [key, t] of Object.entries(store)) {
      if (!(t instanceof tf.Tensor)) {
        throw new TypeError(
          `Cannot save ${layer.name} (${layer.constructor.name}) as its saveOwnVariables stored ${
            describe(t)
          } under "${key}": store tf.Tensors (or tf.Variables)`,
        );
      }
      if (key === "" || key.includes("/")) {
        throw new TypeError(
          `Cannot save ${layer.name} (${layer.constructor.name}) as its saveOwnVariables used the key ${
            JSON.stringify(key)
          }: keys must be non-empty and free of "/"`,
        );
      }
      const int = t.dtype === "int32" || t.dtype === "bool";
      values.push({
        spec: { name: key, shape: [...t.shape], dtype: int ? "int32" : "float32" },
        values: int ? Int32Array.from(t.dataSync()) : Float32Array.from(t.dataSync()),
      });
    }
  });
  return values;
}

/**
 * Calls `layer.loadOwnVariables(store)` with a store of the given values
 * (by their spec names), and frees the store's tensors after it.
 *
 * @param layer The layer.
 * @param values The stored values, named by key.
 * @param where The file, for messages.
 */
export function loadOwnVariables(layer: Layer, values: WeightValue[], where: string): void {
  const store: VariableStore = {};
  for (const v of values) {
    // A data property even for a stored name like "__proto__": the store's prototype stays Object's.
    Object.defineProperty(store, v.spec.name, {
      value: tf.tensor(v.values, v.spec.shape, v.spec.dtype),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  try {
    layer.loadOwnVariables(store);
  } catch (error) {
    if (error instanceof Error) error.message = `${error.message} (loading ${where})`;
    throw error;
  } finally {
    tf.dispose(Object.values(store));
  }
}

/** What starts the names of the hooks' entries in a flat list of weights. */
const HOOKS = "hooks:";

/**
 * The prefix of a hook layer's entries in a flat, name-keyed list of
 * weights: by its path in Keras 3's layout (attribute names), which a
 * model loaded from its config shares, unlike layer names.
 */
function prefixOf(path: string): string {
  return `${HOOKS}${path === "" ? "" : `${path}/`}vars/`;
}

/**
 * The values the variable hooks of every hook-using layer under `root`
 * save, named `hooks:<layer path>/vars/<key>` for a flat list of weights
 * (the TensorFlow.js manifest, kerno's checkpoint file).
 *
 * @param root The model.
 * @returns The values, layer by layer.
 */
export function hookValues(root: Layer): WeightValue[] {
  return h5Layout(root).filter(({ layer }) => usesVariableHooks(layer)).flatMap(
    ({ path, layer }) =>
      savedOwnVariables(layer).map((v) => ({
        ...v,
        spec: { ...v.spec, name: prefixOf(path) + v.spec.name },
      })),
  );
}

/**
 * The values of a flat list that `hookValues` did not write: what the
 * model's other weights are matched with.
 *
 * @param values Every stored value.
 * @returns The others.
 */
export function withoutHookValues(values: WeightValue[]): WeightValue[] {
  return values.filter((v) => !v.spec.name.startsWith(HOOKS));
}

/**
 * Restores every hook-using layer under `root` from a flat list of weights
 * that `hookValues` named.
 *
 * @param root The model.
 * @param values Every stored value (others are ignored).
 * @param where The file, for messages.
 */
export function restoreHookValues(root: Layer, values: WeightValue[], where: string): void {
  for (const { path, layer } of h5Layout(root)) {
    if (!usesVariableHooks(layer)) continue;
    const prefix = prefixOf(path);
    const own = values.filter((v) => v.spec.name.startsWith(prefix)).map((v) => ({
      ...v,
      spec: { ...v.spec, name: v.spec.name.slice(prefix.length) },
    }));
    loadOwnVariables(layer, own, where);
  }
}

/**
 * Turns values into tensors (the caller disposes them), for writers that
 * encode tensors.
 *
 * @param values The values.
 * @returns One tensor per value.
 */
export function tensorsOf(values: WeightValue[]): tf.Tensor[] {
  return values.map((v) => tf.tensor(v.values, v.spec.shape, v.spec.dtype));
}

/**
 * The directory of a layer's assets under `root` (an `assets` folder):
 * `root` itself for the model, `root/<layer path>` for a layer.
 *
 * @param root The assets folder.
 * @param path The layer's path (`h5Layout`), `""` for the model.
 * @returns The directory.
 */
export function assetDir(root: string, path: string): string {
  return path === "" ? root : `${root}/${path}`;
}
