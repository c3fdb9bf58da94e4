/**
 * The graph of a functional model (`new Model({ inputs, outputs })`): the
 * nodes between the given inputs and outputs, in an order where every
 * node's inputs are computed before it, and how to run them on data.
 *
 * @module
 */
import { tf } from "./tf.ts";
import type { Layer, Shape } from "./layer.ts";
import {
  addNode,
  type Node,
  resolveCallArgs,
  symbolicCallArgs,
  type SymbolicInputs,
  SymbolicTensor,
} from "./symbolic.ts";
import { uniqueLayerName } from "./naming.ts";
import { describe, formatShape } from "./format.ts";
import { attachMask, storedMask } from "./masks.ts";
import { InputLayer, isInputTensor } from "./input_layer.ts";
import { mapStructure, type Structure, structureValues } from "./layer_inputs.ts";

/** One, an array, or a record of symbolic tensors, as `inputs` and `outputs` are given. */
export type SymbolicStructure =
  | SymbolicTensor
  | SymbolicTensor[]
  | Record<string, SymbolicTensor>;

/** How a structure was given: one tensor, an array, or a record. */
export type StructureKind = "single" | "array" | "record";

/**
 * The layers and nodes of a functional model, and how to run them.
 */
export class Graph {
  /** The inputs, in order. */
  readonly inputs: SymbolicTensor[];
  /** Their names: the record's keys, else the `Input`s' names. */
  readonly inputNames: string[];
  /** How `inputs` was given. */
  readonly inputKind: StructureKind;
  /** The outputs, in order. */
  readonly outputs: SymbolicTensor[];
  /** Their names: the record's keys, else the producing layers' names. */
  readonly outputNames: string[];
  /** How `outputs` was given. */
  readonly outputKind: StructureKind;
  /** The nodes to run, each after the nodes it reads from. */
  readonly nodes: Node[];
  /** Every layer once, in the order first reached (inputs first), as Keras lists them. */
  readonly layers: Layer[];

  /**
   * Collects the graph between `inputs` and `outputs`.
   *
   * @param model The model's name, for messages.
   * @param inputs The inputs as given.
   * @param outputs The outputs as given.
   */
  constructor(model: string, inputs: unknown, outputs: unknown) {
    const ins = flatten(model, "inputs", inputs);
    const outs = flatten(model, "outputs", outputs);
    // Two outputs of one (shared) layer get `name`, `name_1`, … as in tf.keras.
    this.outputNames = outs.keys ?? distinctNames(outs.tensors.map((t) => t.name));
    unique(model, "inputs", ins.tensors, ins.keys ?? ins.tensors.map((t) => t.name));
    unique(model, "outputs", outs.tensors, this.outputNames);
    let given = { inputs: ins.tensors, outputs: outs.tensors };
    if (given.inputs.some((t) => !isInputTensor(t))) {
      given = cloneFromInner(model, given.inputs, given.outputs, ins.keys, this.outputNames);
    }
    this.inputs = given.inputs;
    this.inputKind = ins.kind;
    this.inputNames = ins.keys ?? this.inputs.map((t) => t.name);
    this.outputs = given.outputs;
    this.outputKind = outs.kind;
    this.nodes = collectNodes(model, this.inputs, this.outputs, this.inputNames, this.outputNames);
    const layers: Layer[] = [];
    for (const t of this.inputs) if (!layers.includes(t.node.layer)) layers.push(t.node.layer);
    for (const node of this.nodes) if (!layers.includes(node.layer)) layers.push(node.layer);
    const names = new Map<string, Layer>();
    for (const layer of layers) {
      const other = names.get(layer.name);
      if (other && other !== layer) {
        throw new TypeError(
          `Cannot build model ${model} as two of its layers are named ${
            JSON.stringify(layer.name)
          } (${other.constructor.name} and ${layer.constructor.name}): layer names in a model must be unique`,
        );
      }
      names.set(layer.name, layer);
    }
    this.layers = layers;
  }

  /**
   * Runs the nodes on data.
   *
   * @param values One tensor per input, in `inputs` order.
   * @param training Training mode, unless a node fixed it.
   * @returns One tensor per output, in `outputs` order.
   */
  run(values: tf.Tensor[], training: boolean): tf.Tensor[] {
    const known = new Map<SymbolicTensor, tf.Tensor>();
    this.inputs.forEach((t, i) => {
      const shape = adjustedRank(values[i].shape, t.shape);
      known.set(t, shape.length === values[i].rank ? values[i] : tf.reshape(values[i], shape));
    });
    const get = (t: SymbolicTensor) => known.get(t)!;
    for (const node of this.nodes) {
      const args = node.inputs instanceof SymbolicTensor
        ? get(node.inputs)
        : mapStructure(node.inputs as Structure<SymbolicTensor>, get);
      const y: unknown = node.layer.apply(args as tf.Tensor, {
        ...resolveCallArgs(node.callArgs, get),
        training: node.training ?? training,
      });
      if (!node.outputKeys) {
        known.set(node.outputs[0], y as tf.Tensor);
      } else {
        const list = node.outputKeys === "array"
          ? y as tf.Tensor[]
          : node.outputKeys.map((k) => (y as Record<string, tf.Tensor>)[k]);
        node.outputs.forEach((o, i) => known.set(o, list[i]));
      }
    }
    // An output that is an input (a model passing one through) is a copy, with its mask.
    return this.outputs.map((t) => {
      const y = get(t);
      if (!values.includes(y)) return y;
      const copy = tf.clone(y);
      const mask = storedMask(y);
      if (mask) attachMask(copy, mask);
      return copy;
    });
  }

  /**
   * The inputs in the structure they were given in (Keras's `model.input`).
   *
   * @returns One tensor, an array, or a record keyed by input names.
   */
  inputStructure(): SymbolicTensor | SymbolicTensor[] | Record<string, SymbolicTensor> {
    if (this.inputKind === "single") return this.inputs[0];
    if (this.inputKind === "array") return [...this.inputs];
    return Object.fromEntries(this.inputNames.map((n, i) => [n, this.inputs[i]]));
  }

  /** The inputs' shapes, in order. */
  get inputShapes(): Shape[] {
    return this.inputs.map((t) => t.shape);
  }

  /**
   * Puts a model's input data in `inputs` order: one tensor (one input), an
   * array in order, or a record keyed by input names; checks the count,
   * the names and each tensor's shape.
   *
   * @param model The model's name, for messages.
   * @param data What the model was called on.
   * @returns One tensor per input.
   */
  arrange(model: string, data: unknown): tf.Tensor[] {
    const names = this.inputNames;
    const expected = `${names.length} input${names.length === 1 ? "" : "s"} (${
      names.map((n) => JSON.stringify(n)).join(", ")
    })`;
    let list: unknown[];
    if (data instanceof tf.Tensor) {
      list = [data];
    } else if (Array.isArray(data)) {
      list = data;
    } else if (data !== null && typeof data === "object") {
      const record = data as Record<string, unknown>;
      const keys = Object.keys(record);
      const missing = names.filter((n) => !(n in record));
      const extra = keys.filter((k) => !names.includes(k));
      if (missing.length > 0 || extra.length > 0) {
        throw new TypeError(
          `Cannot run model ${model} as the data's keys do not match its inputs: expected ${expected}, received ${
            keys.map((k) => JSON.stringify(k)).join(", ") || "none"
          }${
            missing.length ? `; missing ${missing.map((k) => JSON.stringify(k)).join(", ")}` : ""
          }`,
        );
      }
      list = names.map((n) => record[n]);
    } else {
      throw new TypeError(
        `Cannot run model ${model} as its input must be a tf.Tensor, an array or a record of them: received ${
          describe(data)
        }`,
      );
    }
    if (list.length !== names.length) {
      throw new TypeError(
        `Cannot run model ${model} as it takes ${expected}: received ${list.length} tensor${
          list.length === 1 ? "" : "s"
        }`,
      );
    }
    return list.map((t, i) => {
      const input = this.inputs[i];
      if (!(t instanceof tf.Tensor)) {
        if (t instanceof SymbolicTensor) {
          throw new TypeError(
            `Cannot run model ${model} on a symbolic tensor mixed with data (input ${
              JSON.stringify(names[i])
            })`,
          );
        }
        throw new TypeError(
          `Cannot run model ${model} as input ${
            JSON.stringify(names[i])
          } must be a tf.Tensor: received ${describe(t)}`,
        );
      }
      if ((input.dtype === "string") !== (t.dtype === "string")) {
        throw new TypeError(
          `Cannot run model ${model} as input ${JSON.stringify(names[i])} takes ${
            input.dtype === "string" ? "strings" : "numbers"
          } (dtype ${JSON.stringify(input.dtype)}): received ${describe(t)}`,
        );
      }
      const s = input.shape;
      const shape = adjustedRank(t.shape, s);
      const bad = shape.length !== s.length ||
        s.some((d, k) => d !== null && (k > 0 || d !== shape[0]) && d !== shape[k]);
      if (bad) {
        throw new RangeError(
          `Cannot run model ${model} as input ${JSON.stringify(names[i])} does not fit: expected ${
            formatShape(s)
          }, received ${formatShape(s[0] === null ? [null, ...t.shape.slice(1)] : t.shape)}`,
        );
      }
      return t;
    });
  }

  /**
   * Puts outputs (one per graph output) back in the structure `outputs`
   * was given in.
   *
   * @param values One value per output.
   * @returns One value, an array, or a record keyed by output names.
   */
  structure<T>(values: T[]): T | T[] | Record<string, T> {
    if (this.outputKind === "single") return values[0];
    if (this.outputKind === "array") return values;
    return Object.fromEntries(this.outputNames.map((n, i) => [n, values[i]]));
  }
}

/**
 * Keras's input-rank adjustment: data of one axis more than the input whose
 * last axis is 1 lose it; data of one axis less, for an input whose last
 * axis is 1, gain it (a flat batch of strings for `shape: [1]`).
 *
 * @returns The shape the data take (unchanged when neither applies).
 */
function adjustedRank(shape: number[], ref: (number | null)[]): number[] {
  if (shape.length === ref.length + 1 && shape[shape.length - 1] === 1) return shape.slice(0, -1);
  if (shape.length === ref.length - 1 && ref[ref.length - 1] === 1) return [...shape, 1];
  return shape;
}

/**
 * The nodes between `inputs` and `outputs`, each after the nodes it reads
 * from; an output that depends on an `Input` not among `inputs` is refused.
 */
function collectNodes(
  model: string,
  inputs: SymbolicTensor[],
  outputs: SymbolicTensor[],
  inputNames: string[],
  outputNames: string[],
): Node[] {
  const nodes: Node[] = [];
  const given = new Set(inputs);
  const done = new Set<Node>();
  const visiting = new Set<Node>();
  const visit = (t: SymbolicTensor, output: string) => {
    if (given.has(t)) return;
    const node = t.node;
    if (done.has(node) || visiting.has(node)) return;
    if (node.inputs === null) {
      const names = inputNames.map((n) => JSON.stringify(n)).join(", ");
      throw new TypeError(
        `Cannot build model ${model} as output ${JSON.stringify(output)} depends on Input ${
          JSON.stringify(t.name)
        } ${formatShape(t.shape)}, which is not among "inputs" (${names}): add it to inputs`,
      );
    }
    visiting.add(node);
    for (const x of nodeReads(node)) visit(x, output);
    visiting.delete(node);
    done.add(node);
    nodes.push(node);
  };
  outputs.forEach((t, i) => visit(t, outputNames[i]));
  return nodes;
}

function nodeReads(node: Node): SymbolicTensor[] {
  const reads = node.inputs instanceof SymbolicTensor
    ? [node.inputs]
    : structureValues(node.inputs as Structure<SymbolicTensor>);
  return [...reads, ...symbolicCallArgs(node.callArgs)];
}

/**
 * A model whose inputs include inner tensors (another model's
 * intermediate outputs, Keras's `keras.Model(conv, feature)`): each such
 * input gets a new `Input` of its shape and dtype, and the nodes that read
 * from it are called again on the new inputs (Keras's `clone_graph_nodes`),
 * so the model holds only the layers it runs, not the ones that made its inputs.
 */
function cloneFromInner(
  model: string,
  inputs: SymbolicTensor[],
  outputs: SymbolicTensor[],
  keys: string[] | null,
  outputNames: string[],
): { inputs: SymbolicTensor[]; outputs: SymbolicTensor[] } {
  const names = keys ?? inputs.map((t) => t.name);
  const nodes = collectNodes(model, inputs, outputs, names, outputNames);
  const map = new Map<SymbolicTensor, SymbolicTensor>();
  const newInputs = inputs.map((t) => {
    if (isInputTensor(t)) return t;
    const input = new InputLayer({
      batchShape: [...t.shape],
      dtype: t.dtype,
      name: uniqueLayerName(`${t.name}_input`),
    }).output;
    map.set(t, input);
    return input;
  });
  const sub = (t: SymbolicTensor) => map.get(t) ?? t;
  for (const node of nodes) {
    if (!nodeReads(node).some((t) => map.has(t))) continue;
    const args = node.inputs instanceof SymbolicTensor
      ? sub(node.inputs)
      : mapStructure(node.inputs as Structure<SymbolicTensor>, sub) as SymbolicInputs;
    const callArgs = node.callArgs ? resolveCallArgs(node.callArgs, sub) : undefined;
    const copy = addNode(
      node.layer,
      args,
      node.outputs.map((o) => ({ shape: o.shape, dtype: o.dtype, maskRank: o.maskRank })),
      node.training,
      { callArgs, outputKeys: node.outputKeys },
    );
    node.outputs.forEach((o, i) => map.set(o, copy.outputs[i]));
  }
  return { inputs: newInputs, outputs: outputs.map(sub) };
}

/** Flattens `inputs`/`outputs` as given, checking every item is a symbolic tensor. */
function flatten(
  model: string,
  arg: string,
  given: unknown,
): { tensors: SymbolicTensor[]; kind: StructureKind; keys: string[] | null } {
  const want =
    "a symbolic tensor (from Input or a layer called on one), an array or a record of them";
  if (given instanceof SymbolicTensor) return { tensors: [given], kind: "single", keys: null };
  const isRecord = given !== null && typeof given === "object" &&
    Object.getPrototypeOf(given) === Object.prototype;
  if (!Array.isArray(given) && !isRecord) {
    const hint = given instanceof tf.Tensor
      ? "; a model is built from symbolic tensors, not data"
      : "";
    throw new TypeError(
      `Cannot build model ${model} as "${arg}" must be ${want}: received ${describe(given)}${hint}`,
    );
  }
  const entries = Object.entries(given as object);
  if (entries.length === 0) {
    throw new RangeError(`Cannot build model ${model} as "${arg}" is empty: pass ${want}`);
  }
  for (const [key, t] of entries) {
    if (!(t instanceof SymbolicTensor)) {
      throw new TypeError(
        `Cannot build model ${model} as ${arg}[${JSON.stringify(key)}] must be ${want}: received ${
          describe(t)
        }${t instanceof tf.Tensor ? "; a model is built from symbolic tensors, not data" : ""}`,
      );
    }
  }
  const tensors = entries.map(([, t]) => t as SymbolicTensor);
  return Array.isArray(given)
    ? { tensors, kind: "array", keys: null }
    : { tensors, kind: "record", keys: entries.map(([k]) => k) };
}

function unique(model: string, arg: string, tensors: SymbolicTensor[], names: string[]): void {
  tensors.forEach((t, i) => {
    const j = tensors.indexOf(t);
    if (j !== i) {
      throw new TypeError(
        `Cannot build model ${model} as "${arg}" holds the same tensor twice (${
          JSON.stringify(names[j])
        } and ${JSON.stringify(names[i])})`,
      );
    }
    if (names.indexOf(names[i]) !== i) {
      throw new TypeError(
        `Cannot build model ${model} as two of its ${arg} are named ${
          JSON.stringify(names[i])
        }: give them distinct names`,
      );
    }
  });
}

/** `names` with repeats suffixed `_1`, `_2`, … (skipping names already taken). */
function distinctNames(names: string[]): string[] {
  const taken = new Set(names);
  const seen = new Set<string>();
  return names.map((name) => {
    if (!seen.has(name)) {
      seen.add(name);
      return name;
    }
    let i = 1;
    while (taken.has(`${name}_${i}`)) i++;
    const renamed = `${name}_${i}`;
    taken.add(renamed);
    return renamed;
  });
}

/** Whether a layer is an input of the graph (an `InputLayer`). */
export function isInputLayer(layer: Layer): boolean {
  return layer instanceof InputLayer;
}
