/**
 * A model's weights as saved files see them: each with its layer, its name
 * within the layer, and its Keras 3 H5 group; and the one place where
 * loaded values are checked against the model and assigned.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { Layer } from "../engine/layer.ts";
import { Sequential } from "../engine/sequential.ts";
import { Model } from "../engine/model.ts";
import { toSnakeCase } from "../engine/naming.ts";
import type { WeightValue } from "./_binary.ts";
import { usesVariableHooks } from "./_hooks.ts";
import * as builtinLayers from "../layers/mod.ts";
import { RNN } from "../layers/rnn.ts";
import { StackedRNNCells } from "../layers/stacked_rnn_cells.ts";
import { Bidirectional } from "../layers/bidirectional.ts";
import { TimeDistributed } from "../layers/time_distributed.ts";

/** One weight of a model. */
export interface NamedWeight {
  /** The layer that owns it. */
  layer: Layer;
  /** Its name within the layer (`"kernel"`). */
  weightName: string;
  /** The stored name, `"<layer name>/<weight name>"`. */
  name: string;
  /** The variable. */
  variable: tf.Variable;
}

/**
 * Every weight of a model, in `model.weights` order, but for the own weights
 * of layers that save through their own variable hooks (`_hooks.ts`).
 * Each is named `<layer name>/<weight name>`, as TensorFlow.js Layers names
 * them, the layers inside recurrent layers and wrappers as TensorFlow.js
 * scopes them: an RNN's cell's weights are the RNN's (`lstm/kernel`), a
 * stack's cells are `RNNCell_<i>` within it (`rnn/RNNCell_0/kernel`), a
 * Bidirectional's layers are within it (`bidirectional/forward_lstm/kernel`),
 * and a TimeDistributed's layer's weights are its own (`time_distributed/kernel`).
 *
 * @param root The model (or layer).
 * @returns The weights with their layers and names.
 */
export function collectWeights(root: Layer): NamedWeight[] {
  const out: NamedWeight[] = [];
  const seen = new Set<Layer>();
  const visit = (layer: Layer, scope: string) => {
    if (seen.has(layer)) return;
    seen.add(layer);
    if (!usesVariableHooks(layer)) {
      for (const { name, variable } of layer.namedWeights) {
        out.push({ layer, weightName: name, name: `${scope}/${name}`, variable });
      }
    }
    for (const child of layer.trackedLayers) visit(child, childScope(layer, child, scope));
  };
  visit(root, root.name);
  const unique = new Set<tf.Variable>();
  return out.filter((w) => !unique.has(w.variable) && unique.add(w.variable));
}

/** The prefix of a sublayer's weight names (TensorFlow.js's name scopes; see `collectWeights`). */
function childScope(parent: Layer, child: Layer, scope: string): string {
  if (parent instanceof RNN && child === parent.cell) return scope;
  if (parent instanceof StackedRNNCells && parent.cells.includes(child as never)) {
    return `${scope}/RNNCell_${parent.cells.indexOf(child as never)}`;
  }
  if (
    parent instanceof Bidirectional &&
    (child === parent.forwardLayer || child === parent.backwardLayer)
  ) {
    return `${scope}/${child.name}`;
  }
  if (parent instanceof TimeDistributed && child === parent.layer) return scope;
  return child.name;
}

/** A layer and the H5 group (without `/vars`) Keras 3 stores its own variables under. */
export interface H5Entry {
  /** The group path; `""` for the model itself (its variables are under `vars`). */
  path: string;
  /** The layer. */
  layer: Layer;
}

/**
 * The H5 layout Keras 3's `saving_lib` uses: a Sequential's layers under
 * `layers/<snake_case class name>[_n]`, a functional model's likewise (its
 * inputs among them, as `input_layer`, and a nested functional model as
 * `functional`), then its other fields; a subclassed model's fields under
 * their attribute names (sorted, `_`-prefixed ones last), containers'
 * layers by class name. A built-in layer's fields go by Keras's attribute
 * names, in snake_case: an LSTM's cell under `lstm/cell`, a stack's cells
 * under `cell/cells/<class>`, a Bidirectional's layers under
 * `backward_layer` and `forward_layer`, a TimeDistributed's under `layer`.
 *
 * @param root The model.
 * @returns One entry per layer, each visited once.
 */
export function h5Layout(root: Layer): H5Entry[] {
  const out: H5Entry[] = [];
  const seen = new Set<Layer>();
  const join = (a: string, b: string) => (a === "" ? b : `${a}/${b}`);
  const walk = (layer: Layer, path: string) => {
    if (seen.has(layer)) return;
    seen.add(layer);
    out.push({ path, layer });
    const fields = () =>
      Object.entries(layer)
        .map(([attr, value]): [string, unknown] => [
          BUILTIN_CLASSES.has(layer.constructor) ? toSnakeCase(attr) : attr,
          value,
        ])
        .sort(([a], [b]) => compareAttrs(a, b));
    const children: [string, unknown][] = layer instanceof Sequential
      ? [["layers", layer.layers]]
      : layer instanceof Model && layer.graph !== null
      ? [["layers", layer.layers], ...fields()] // Keras: a Functional's layers first
      : fields();
    for (const [attr, value] of children) {
      if (value instanceof Layer) walk(value, join(path, attr));
      else if (isContainer(value)) container(value, join(path, attr));
    }
  };
  const container = (value: unknown[] | Record<string, unknown>, path: string) => {
    const used = new Map<string, number>();
    const unique = (name: string) => {
      const n = used.get(name);
      used.set(name, n === undefined ? 0 : n + 1);
      return n === undefined ? name : `${name}_${n + 1}`;
    };
    for (const item of Array.isArray(value) ? value : Object.values(value)) {
      if (item instanceof Layer) walk(item, join(path, unique(savedClassName(item))));
      else if (isContainer(item)) container(item, join(path, unique("container")));
    }
  };
  walk(root, "");
  return out;
}

/** kerno's built-in layer classes, whose fields are Keras's attributes in camelCase. */
const BUILTIN_CLASSES: Set<unknown> = new Set(
  Object.values(builtinLayers).filter((v) => typeof v === "function"),
);

/** The snake_case class name Keras 3 files a layer under: `functional` for a plain functional model. */
function savedClassName(layer: Layer): string {
  if (layer.constructor === Model && (layer as Model).graph !== null) return "functional";
  return toSnakeCase(layer.constructor.name);
}

function compareAttrs(a: string, b: string): number {
  const key = (s: string) => (s.startsWith("_") ? `~${s}` : s);
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

function isContainer(value: unknown): value is unknown[] | Record<string, unknown> {
  return Array.isArray(value) ||
    (value !== null && typeof value === "object" &&
      Object.getPrototypeOf(value) === Object.prototype);
}

/** A model weight and the value loaded for it. */
export interface WeightPair {
  /** The model's weight. */
  target: NamedWeight;
  /** The value from the file. */
  value: WeightValue;
}

/**
 * Pairs stored weights with the model's: by name when every model weight's
 * name is stored; else by `<layer>/<weight>` at the end of the stored names
 * (TensorFlow.js prefixes the names of weights a nested model built with
 * its own name) when that pairs every weight once; else by position when
 * the counts agree.
 *
 * @param targets The model's weights.
 * @param values The stored weights.
 * @param file The file, for messages.
 * @returns The pairs.
 */
export function matchWeights(
  targets: NamedWeight[],
  values: WeightValue[],
  file: string,
): WeightPair[] {
  const byName = new Map(values.map((v) => [v.spec.name, v]));
  if (byName.size === values.length && targets.every((t) => byName.has(t.name))) {
    return targets.map((target) => ({ target, value: byName.get(target.name)! }));
  }
  const byTail = new Map<string, WeightValue | null>();
  for (const v of values) {
    const tail = v.spec.name.split("/").slice(-2).join("/");
    byTail.set(tail, byTail.has(tail) ? null : v); // null: two stored weights end alike
  }
  const tails = targets.map((t) => t.name.split("/").slice(-2).join("/"));
  if (
    targets.length === values.length && new Set(tails).size === tails.length &&
    tails.every((tail) => byTail.get(tail))
  ) {
    return targets.map((target, i) => ({ target, value: byTail.get(tails[i])! }));
  }
  if (targets.length !== values.length) {
    throw new RangeError(
      `Cannot load weights from ${file} as the model has ${targets.length} weights (${
        targets.map((t) => t.name).join(", ")
      }) and the file ${values.length} (${values.map((v) => v.spec.name).join(", ")})`,
    );
  }
  return targets.map((target, i) => ({ target, value: values[i] }));
}

/**
 * Checks every pair's shape and then assigns them all; nothing changes
 * when a shape differs (unless `skipMismatch`, which skips the layers
 * with a mismatch, as Keras does, with a warning).
 *
 * @param pairs The pairs.
 * @param file The file, for messages.
 * @param skipMismatch Skip layers whose shapes differ instead of failing.
 */
export function assignWeights(pairs: WeightPair[], file: string, skipMismatch = false): void {
  const bad = pairs.filter(({ target, value }) =>
    !tf.util.arraysEqual(target.variable.shape, value.spec.shape)
  );
  if (bad.length > 0 && !skipMismatch) {
    const { target, value } = bad[0];
    throw new RangeError(
      `Cannot load weights from ${file} into layer "${target.layer.name}" (${target.layer.constructor.name}) as weight "${target.weightName}" has shape [${target.variable.shape}] in the model but [${value.spec.shape}] in the file${
        bad.length > 1 ? ` (and ${bad.length - 1} more mismatches)` : ""
      }; pass { skipMismatch: true } to skip such layers`,
    );
  }
  const skipped = new Set(bad.map((p) => p.target.layer));
  for (const layer of skipped) {
    console.warn(
      `kerno: skipped loading the weights of layer "${layer.name}" from ${file}: their shapes differ`,
    );
  }
  for (const { target, value } of pairs) {
    if (skipped.has(target.layer)) continue;
    tf.tidy(() => {
      const t = tf.tensor(value.values, value.spec.shape, value.spec.dtype);
      target.variable.assign(
        t.dtype === target.variable.dtype ? t : tf.cast(t, target.variable.dtype),
      );
    });
  }
}
