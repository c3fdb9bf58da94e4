/**
 * Symbolic tensors: the placeholders of the functional API (Keras's
 * `KerasTensor`). `Input(...)` makes one; calling a layer on symbolic
 * tensors (`layer.apply(x)`) records a {@link Node} — the layer, what it was
 * called on, and what it returned — and returns new symbolic tensors whose
 * shape and dtype are inferred. `new Model({ inputs, outputs })` walks those
 * nodes back from the outputs (see `functional.ts`).
 *
 * Shapes are inferred by running the layer on zeros (one sample; unknown
 * axes at two sizes, an axis whose output size follows the input's is
 * unknown in the output; empty strings for a string input), so every
 * layer, including a user's, answers without shape arithmetic of its own.
 * No tensor outlives the inference.
 *
 * @module
 */
import { tf } from "./tf.ts";
import type { Layer, Shape } from "./layer.ts";
import { attachMask, storedMask } from "./masks.ts";
import { describe, formatShape } from "./format.ts";
import { mapStructure, type Structure, structureValues } from "./layer_inputs.ts";
import { checkOptions } from "./options.ts";
import {
  loadingFile,
  LoadLimitError,
  MAX_SAMPLE_ELEMENTS,
  withWeightBudget,
} from "./_weight_budget.ts";

/** The dtypes a symbolic tensor may have. */
export type SymbolicDType = "float32" | "int32" | "bool" | "string";

/**
 * A placeholder for the tensor a layer will produce: its shape (batch axis
 * first, `null` where unknown), dtype, and the node that makes it.
 */
export class SymbolicTensor {
  /** The shape, batch axis first; `null` marks an axis of unknown size. */
  readonly shape: Shape;
  /** The dtype of the values. */
  readonly dtype: SymbolicDType;
  /** A name for messages: the producing layer's name (an `Input`'s own name). */
  readonly name: string;
  /** The node that produces this tensor. */
  readonly node: Node;
  /** Which of the node's outputs this is. */
  readonly index: number;
  /** The rank of the mask that travels with it (Embedding with `maskZero`), or 0 for none. */
  readonly maskRank: number;

  /** @internal Made by `Input` and by layers called on symbolic tensors. */
  constructor(
    shape: Shape,
    dtype: SymbolicDType,
    node: Node,
    index: number,
    maskRank = 0,
  ) {
    this.shape = shape;
    this.dtype = dtype;
    this.node = node;
    this.index = index;
    this.maskRank = maskRank;
    this.name = node.layer.name;
  }

  /** The number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** `<SymbolicTensor shape=(None, 12), dtype=float32, name=tags>`. */
  toString(): string {
    return `<SymbolicTensor shape=${
      formatShape(this.shape)
    }, dtype=${this.dtype}, name=${this.name}>`;
  }
}

/**
 * A layer whose output has axes sized by the data in a way one probe cannot
 * see (TextVectorization's tokens per document, without
 * `outputSequenceLength`): it names them, and they are unknown (`null`) in
 * its symbolic output, so the layers after it accept any size there.
 */
export interface DataSizedAxes {
  /** @returns The axes of the (first) output whose size only the data decide. */
  dataSizedAxes(): number[];
}

/** One, an array, or a record of symbolic tensors: what a layer was called on. */
export type SymbolicInputs = SymbolicTensor | SymbolicTensor[] | Record<string, SymbolicTensor>;

/**
 * One call of a layer on symbolic tensors: Keras's `Node`. A layer shared
 * by two branches has two nodes; its weights are the same for both.
 */
export interface Node {
  /** The layer called. */
  readonly layer: Layer;
  /** What it was called on, in the structure given (empty for an `Input`). */
  readonly inputs: SymbolicInputs | null;
  /** What it returned. */
  readonly outputs: SymbolicTensor[];
  /** `training` as fixed at the call (`dropout.apply(x, { training: true })`), or undefined. */
  readonly training?: boolean;
  /** The node's position in `layer.inboundNodes`. */
  readonly index: number;
  /**
   * The other call options given (a layer's `callOptionKeys`: an RNN's
   * `initialState`, attention's `attentionMask`), symbolic tensors among
   * them read like inputs; absent when none were given.
   */
  readonly callArgs?: Record<string, unknown>;
  /**
   * How the layer returned its outputs: one tensor (`null`), an array
   * (`"array"`), or a record with these keys (a nested model's `{ a, b }`).
   */
  readonly outputKeys?: "array" | string[] | null;
}

/** The nodes of each layer, in call order (Keras's `_inbound_nodes`). */
const NODES = new WeakMap<Layer, Node[]>();

/**
 * The nodes recorded for a layer: one per call on symbolic tensors.
 *
 * @param layer The layer.
 * @returns Its nodes (the live list).
 */
export function inboundNodes(layer: Layer): Node[] {
  let nodes = NODES.get(layer);
  if (!nodes) NODES.set(layer, nodes = []);
  return nodes;
}

/**
 * Records a node for a layer and makes its outputs.
 *
 * @param layer The layer.
 * @param inputs What it was called on (`null` for an `Input`).
 * @param outputs The outputs' shapes, dtypes and mask ranks.
 * @param training `training` as fixed at the call.
 * @returns The node.
 */
export function addNode(
  layer: Layer,
  inputs: SymbolicInputs | null,
  outputs: { shape: Shape; dtype: SymbolicDType; maskRank: number }[],
  training?: boolean,
  extra: { callArgs?: Record<string, unknown>; outputKeys?: "array" | string[] | null } = {},
): Node {
  const nodes = inboundNodes(layer);
  const made: SymbolicTensor[] = [];
  const node: Node = {
    layer,
    inputs,
    outputs: made,
    training,
    index: nodes.length,
    ...(extra.callArgs ? { callArgs: extra.callArgs } : {}),
    ...(extra.outputKeys ? { outputKeys: extra.outputKeys } : {}),
  };
  outputs.forEach((o, i) => made.push(new SymbolicTensor(o.shape, o.dtype, node, i, o.maskRank)));
  nodes.push(node);
  return node;
}

/**
 * Forgets a layer's latest node (a call undone: a `Sequential` model whose
 * build from data failed). Only the last node can go, so node indices stay valid.
 *
 * @param node The node.
 */
export function removeNode(node: Node): void {
  const nodes = inboundNodes(node.layer);
  if (nodes[nodes.length - 1] === node) nodes.pop();
}

/**
 * Whether `inputs` is (or holds) a symbolic tensor; a structure that mixes
 * symbolic and concrete tensors is refused.
 *
 * @param what The layer, for the message.
 * @param inputs What `apply` received.
 * @returns `true` for symbolic inputs.
 */
export function isSymbolic(what: string, inputs: unknown): inputs is SymbolicInputs {
  if (inputs instanceof SymbolicTensor) return true;
  if (inputs === null || typeof inputs !== "object" || inputs instanceof tf.Tensor) return false;
  const isRecord = Object.getPrototypeOf(inputs) === Object.prototype;
  if (!Array.isArray(inputs) && !isRecord) return false;
  const items = Object.entries(inputs as object);
  const symbolic = items.filter(([, v]) => v instanceof SymbolicTensor);
  if (symbolic.length === 0) return false;
  const other = items.find(([, v]) => !(v instanceof SymbolicTensor));
  if (other) {
    throw new TypeError(
      `Cannot apply ${what} as input ${
        JSON.stringify(other[0])
      } must be a symbolic tensor like the others (from Input or a layer's output): received ${
        describe(other[1])
      }`,
    );
  }
  return true;
}

/**
 * Sizes the unknown axes take in the two inference runs; a layer that
 * cannot take the first pair (a `Reshape([-1, 2])` of an odd length) is
 * tried at the second.
 */
const PROBE_SIZES: readonly [number, number][] = [[32, 37], [60, 120]];

const SYMBOLIC_CALL_KEYS = ["training", "mask"];

/**
 * The symbolic tensors among a node's call options (one, or in an array
 * or a record: an RNN's `initialState: [h, c]`).
 *
 * @param callArgs The node's other call options.
 * @returns The symbolic tensors they hold, in order.
 */
export function symbolicCallArgs(callArgs: Record<string, unknown> | undefined): SymbolicTensor[] {
  if (!callArgs) return [];
  const out: SymbolicTensor[] = [];
  for (const v of Object.values(callArgs)) {
    if (v instanceof SymbolicTensor) out.push(v);
    else if (Array.isArray(v)) out.push(...v.filter((t) => t instanceof SymbolicTensor));
    else if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      out.push(...Object.values(v).filter((t) => t instanceof SymbolicTensor));
    }
  }
  return out;
}

/**
 * The call options with each symbolic tensor replaced (by data at run
 * time, by zeros during inference).
 *
 * @param callArgs The node's other call options.
 * @param f The replacement of a symbolic tensor.
 * @returns The options to pass to `apply`.
 */
export function resolveCallArgs(
  callArgs: Record<string, unknown> | undefined,
  f: (t: SymbolicTensor) => unknown,
): Record<string, unknown> {
  if (!callArgs) return {};
  const one = (v: unknown) => (v instanceof SymbolicTensor ? f(v) : v);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(callArgs)) {
    out[k] = Array.isArray(v)
      ? v.map(one)
      : v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype
      ? Object.fromEntries(Object.entries(v).map(([kk, vv]) => [kk, one(vv)]))
      : one(v);
  }
  return out;
}

/**
 * `layer.apply` on symbolic tensors: infers the output's shape and dtype
 * (building the layer on first use, with the symbolic shapes: axes of
 * unknown size stay unknown in its build shape, as Keras's
 * `build(input_shape)`), records the node, and returns the symbolic output.
 * A layer already built is checked against the new shapes: axes where they
 * differ become unknown (`null`) in its build shape, so one `Embedding`
 * serves a 10-token title and a 30-token body; when the layer cannot take
 * that (a `Dense` whose kernel is sized for the axis), the error names the
 * layer and both shapes and nothing changes.
 *
 * @param layer The layer.
 * @param inputs Symbolic tensors (one, an array or a record).
 * @param options `training`, fixed for this call (a `mask` is found from the inputs).
 * @returns The symbolic output.
 */
export function applySymbolic(
  layer: Layer,
  inputs: SymbolicInputs,
  options: { training?: boolean; mask?: unknown } = {},
): SymbolicTensor {
  const what = `${layer.name} (${layer.constructor.name})`;
  const extraKeys = (layer.constructor as { callOptionKeys?: readonly string[] }).callOptionKeys ??
    [];
  options = checkOptions(`apply ${layer.name}`, options, [...SYMBOLIC_CALL_KEYS, ...extraKeys]);
  const { training: _t, mask: _m, ...rest } = options as Record<string, unknown>;
  const callArgs = Object.keys(rest).length > 0 ? rest : undefined;
  if (options.mask !== undefined && options.mask !== null) {
    throw new TypeError(
      `Cannot apply ${what} to symbolic inputs with an explicit "mask": masks travel with the tensors (Embedding's maskZero, Masking); pass none`,
    );
  }
  const items: Structure<SymbolicTensor> | SymbolicTensor = inputs;
  const shapes = inputs instanceof SymbolicTensor
    ? inputs.shape
    : mapStructure(inputs as Structure<SymbolicTensor>, (t) => t.shape);
  const wasBuilt = layer.built;
  const builtFor = JSON.stringify([layer.buildInputShape, layer.buildInputShapes]);
  const restore = widenBuildShapes(layer, shapes);
  const widened = JSON.stringify([layer.buildInputShape, layer.buildInputShapes]) !== builtFor;
  const unknown = allTensors(items).some((t) => t.shape.slice(1).includes(null));
  let first: Probe;
  let second: Probe | null = null;
  let probing = false;
  try {
    if (!wasBuilt) buildSymbolic(layer, items);
    const runs = unknown ? PROBE_SIZES : PROBE_SIZES.slice(0, 1);
    guardLoadProbe(layer, items, unknown ? runs.flat() : [runs[0][0]]);
    probing = true;
    const described = describeByArithmetic(layer, items, unknown, callArgs, widened);
    let failure: unknown = null;
    let done = described !== null;
    if (described) [first, second] = described;
    for (const sizes of done ? [] : runs) {
      try {
        first = probe(layer, items, sizes[0], callArgs);
        second = unknown ? probe(layer, items, sizes[1], callArgs) : null;
        done = true;
        break;
      } catch (e) {
        failure ??= e;
      }
    }
    if (!done) throw failure;
  } catch (e) {
    restore?.();
    if (
      !wasBuilt && layer.built && layer.weights.length === 0 && layer.trackedLayers.length === 0
    ) {
      // A plain layer without weights built by this call goes back to unbuilt.
      layer.built = false;
      layer.buildInputShape = null;
      layer.buildInputShapes = null;
    }
    if (e instanceof LoadLimitError) throw e;
    const given = inputs instanceof SymbolicTensor
      ? formatShape(inputs.shape)
      : mapStructure(inputs as Structure<SymbolicTensor>, (t) => formatShape(t.shape));
    const builtShapes = layer.buildInputShapes;
    const built = builtShapes !== null
      ? JSON.stringify(mapStructure(builtShapes, formatShape))
      : layer.buildInputShape && formatShape(layer.buildInputShape);
    const was = restore && built
      ? `; it was built for ${built} and a layer called again takes only inputs that fit its weights`
      : "";
    const sizes = PROBE_SIZES.map(([a, b]) => `${a} and ${b}`).join(", then ");
    throw new RangeError(
      `Cannot apply ${what} to symbolic input ${
        typeof given === "string" ? given : JSON.stringify(given)
      }${was}${
        unknown && probing && !was ? ` (axes of unknown size were tried at sizes ${sizes})` : ""
      }: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const batch = allTensors(items)[0].shape[0];
  const outputs = first!.outputs.map((o, k) => {
    const other = second?.outputs[k];
    const shape: Shape = o.shape.map((d, i) =>
      i === 0 ? (batch === null ? null : d) : other && other.shape[i] !== d ? null : d
    );
    return { shape, dtype: o.dtype, maskRank: o.maskRank };
  });
  const dataSized = (layer as Partial<DataSizedAxes>).dataSizedAxes?.() ?? [];
  for (const axis of dataSized) if (axis > 0) outputs[0].shape[axis] = null;
  layer.outputShape = outputs[0].shape;
  const node = addNode(layer, inputs, outputs, options.training, {
    callArgs,
    outputKeys: first!.keys,
  });
  if (first!.keys === null) return node.outputs[0];
  // Several outputs (an RNN's states, a nested model's): in the structure the layer returned.
  const structured = first!.keys === "array"
    ? node.outputs
    : Object.fromEntries(first!.keys.map((k, i) => [k, node.outputs[i]]));
  return structured as unknown as SymbolicTensor;
}

/**
 * Builds a layer on its first symbolic call, as `apply` builds it on its
 * first data: `build` gets the symbolic shapes (batch axis `null`, unknown
 * axes `null`), so weights never depend on a size tried during inference.
 * A first layer's `inputShape` must fit the symbolic input.
 */
function buildSymbolic(layer: Layer, items: Structure<SymbolicTensor> | SymbolicTensor): void {
  if (!(items instanceof SymbolicTensor)) {
    const shapes = mapStructure(items, (t): Shape => [null, ...t.shape.slice(1)]);
    layer.build(shapes);
    layer.buildInputShapes = shapes;
    layer.built = true;
    return;
  }
  let shape: Shape = [null, ...items.shape.slice(1)];
  const declared = layer.batchInputShape;
  if (declared) {
    const fits = declared.length === shape.length &&
      declared.every((d, i) => i === 0 || d === null || shape[i] === null || d === shape[i]);
    if (!fits) {
      throw new RangeError(
        `the input does not fit the layer's "inputShape": expected ${
          formatShape(declared)
        }, received ${formatShape(shape)}`,
      );
    }
    // Axes the inputShape leaves unknown stay unknown, as in `apply`.
    shape = shape.map((d, i) => (i === 0 || declared[i] === null ? null : d ?? declared[i]));
  }
  layer.build(shape);
  layer.buildInputShape = shape;
  layer.built = true;
}

/** The owner of the shape inference every layer inherits (a probe on zeros, no arithmetic). */
function inheritsProbe(layer: Layer): boolean {
  let proto = Object.getPrototypeOf(layer);
  while (proto && !Object.hasOwn(proto, "computeOutputShape")) proto = Object.getPrototypeOf(proto);
  // The root class (Layer) owns the probing default; its own prototype is Object's.
  return !proto || Object.getPrototypeOf(proto) === Object.prototype;
}

/** Elements per sample of one shape (batch axis left out; an unknown axis counts as 1). */
function sampleElements(shape: readonly (number | null)[]): number {
  return shape.slice(1).reduce<number>((n, d) => n * (d ?? 1), 1);
}

/** Elements per sample of what `computeOutputShape` returned: one shape, or several. */
function outputElements(out: unknown): number | null {
  if (!Array.isArray(out)) {
    if (out === null || typeof out !== "object") return null;
    const parts = Object.values(out).map(outputElements);
    return parts.some((p) => p === null) ? null : (parts as number[]).reduce((a, b) => a + b, 0);
  }
  if (out.every((d) => d === null || typeof d === "number")) return sampleElements(out);
  const parts = out.map(outputElements);
  return parts.some((p) => p === null) ? null : (parts as number[]).reduce((a, b) => a + b, 0);
}

/** Options that are not sizes the layer's output follows from. */
const NOT_SIZES = new Set(["name", "inputShape", "batchInputShape", "batchSize", "seed"]);

/** The options of a layer that size things (numbers above 1, or arrays of them), largest first. */
function sizeOptions(layer: Layer): string {
  let config: Record<string, unknown>;
  try {
    config = layer.getConfig();
  } catch {
    return "";
  }
  const largest = (v: unknown): number =>
    typeof v === "number" ? v : Array.isArray(v) ? Math.max(-Infinity, ...v.map(largest)) : NaN;
  const sized = Object.entries(config)
    .filter(([k, v]) => !NOT_SIZES.has(k) && largest(v) > 1)
    .sort((a, b) => largest(b[1]) - largest(a[1]))
    .slice(0, 4)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return sized.length > 0 ? `; the options that size it: ${sized.join(", ")}` : "";
}

/**
 * While a model is rebuilt from a file: before the probe runs a layer on
 * zeros, computes its output shape by arithmetic (for a layer that has its
 * own `computeOutputShape`) and refuses one of more than
 * {@link MAX_SAMPLE_ELEMENTS} elements per sample, so a few bytes of config
 * (`RepeatVector` with `n: 1e9`) cannot make the probe allocate gigabytes.
 * Outside a load, or for a layer without arithmetic, it does nothing.
 *
 * @param layer The layer about to be probed (built).
 * @param items Its symbolic inputs.
 * @param sizes The sizes unknown axes will take in the probes.
 */
function guardLoadProbe(
  layer: Layer,
  items: Structure<SymbolicTensor> | SymbolicTensor,
  sizes: readonly number[],
): void {
  if (loadingFile() === null || inheritsProbe(layer)) return;
  const given = items instanceof SymbolicTensor ? formatShape(items.shape) : JSON.stringify(
    mapStructure(items as Structure<SymbolicTensor>, (t) => formatShape(t.shape)),
  );
  for (const size of sizes) {
    const concrete = (t: SymbolicTensor): Shape =>
      t.shape.map((d, i) => (i === 0 ? null : d ?? size));
    const inputShape = items instanceof SymbolicTensor
      ? concrete(items)
      : mapStructure(items as Structure<SymbolicTensor>, concrete);
    if (!checkLoadOutput(layer, inputShape as Shape, given)) return;
  }
}

/**
 * The same bound for a layer called on real tensors while a model is
 * rebuilt from a file (a subclassed model is built by running its `call`
 * on zeros): its output, computed by its own arithmetic before it runs,
 * may hold at most {@link MAX_SAMPLE_ELEMENTS} elements per sample.
 *
 * @param layer The layer about to run.
 * @param shape The input's shape.
 */
export function guardLoadCall(layer: Layer, shape: readonly number[]): void {
  if (loadingFile() === null || inheritsProbe(layer)) return;
  checkLoadOutput(layer, [null, ...shape.slice(1)], formatShape([null, ...shape.slice(1)]));
}

/**
 * Refuses (a {@link LoadLimitError}) an output of more than the bound;
 * `false` when the arithmetic refuses the input (running the layer will
 * say why), `true` otherwise.
 */
function checkLoadOutput(layer: Layer, inputShape: Shape, given: string): boolean {
  let elements: number | null;
  let out: unknown;
  try {
    out = layer.computeOutputShape(inputShape);
    elements = outputElements(out);
  } catch {
    return false;
  }
  if (elements !== null && !(elements <= MAX_SAMPLE_ELEMENTS)) {
    throw new LoadLimitError(
      `Cannot rebuild layer "${layer.name}" (${layer.constructor.name}) from a file as it would output ${elements} elements per sample (${
        JSON.stringify(out)
      }) from input ${given}: kerno rebuilds a layer from a file only when its output holds at most ${MAX_SAMPLE_ELEMENTS} elements per sample${
        sizeOptions(layer)
      }`,
    );
  }
  return true;
}

/**
 * What a layer class declares, as a static `exactOutputShape = true`, when
 * kerno can describe its output without running it (Keras's
 * `compute_output_spec`): its `computeOutputShape` is exact for every input
 * its `call` takes, its output is float32 for float32 inputs, and its mask
 * is `Layer`'s default (one input's mask passed through when
 * `supportsMasking` is set, none otherwise) or, when it computes its own,
 * none for inputs without masks. A subclass that overrides `call`,
 * `computeOutputShape` or `computeMask` below the declaring class is run as
 * any other layer.
 */
export interface ExactOutputShape {
  /** Set on the class (a static): its output follows by arithmetic. */
  readonly exactOutputShape: true;
}

/** The methods whose override below a declaring class voids its {@link ExactOutputShape}. */
const INFERENCE_METHODS = ["call", "computeOutputShape", "computeMask"];

/** How a rebuild from a file infers a layer's output; see {@link setLoadShapeInference}. */
export type LoadShapeInference = "arithmetic" | "probe" | "compare";

let loadInference: LoadShapeInference = "arithmetic";

/**
 * Chooses how layers declaring {@link ExactOutputShape} are inferred while
 * a model is rebuilt from a file: `"arithmetic"` (the default: their
 * `computeOutputShape`, no run), `"probe"` (run on zeros, as every other
 * layer), or `"compare"` (both, and an error when they disagree). For the
 * tests that prove the two equivalent; outside a load every layer is probed.
 *
 * @param mode The inference to use.
 * @returns The mode it replaces.
 */
export function setLoadShapeInference(mode: LoadShapeInference): LoadShapeInference {
  const previous = loadInference;
  loadInference = mode;
  return previous;
}

/** Whether the layer's class declares {@link ExactOutputShape} below every override that voids it. */
function declaresExactOutput(layer: Layer): boolean {
  let proto = Object.getPrototypeOf(layer);
  while (proto && proto !== Object.prototype) {
    const ctor = (proto as { constructor: unknown }).constructor as Partial<ExactOutputShape>;
    if (Object.hasOwn(ctor, "exactOutputShape")) return ctor.exactOutputShape === true;
    if (INFERENCE_METHODS.some((m) => Object.hasOwn(proto, m))) return false;
    proto = Object.getPrototypeOf(proto);
  }
  return false;
}

/** Whether `method` is the root class's (Layer's) own, not overridden. */
function inheritsRoot(layer: Layer, method: string): boolean {
  let proto = Object.getPrototypeOf(layer);
  while (proto && !Object.hasOwn(proto, method)) proto = Object.getPrototypeOf(proto);
  return !proto || Object.getPrototypeOf(proto) === Object.prototype;
}

/**
 * The mask rank a layer declaring {@link ExactOutputShape} gives its
 * output, as `apply` would find it; `null` when only running it can tell.
 */
function arithmeticMaskRank(
  layer: Layer,
  items: Structure<SymbolicTensor> | SymbolicTensor,
): number | null {
  if ((layer as unknown as { maskFromOutput?: boolean }).maskFromOutput) return null;
  if (inheritsRoot(layer, "computeMask")) {
    // Layer's default: one input's mask passes through when the layer supports masks.
    return items instanceof SymbolicTensor && layer.supportsMasking ? items.maskRank : 0;
  }
  return allTensors(items).every((t) => t.maskRank === 0) ? 0 : null;
}

/** `computeOutputShape` on inputs shaped as the probe's zeros (unknown axes at `size`), checked. */
function arithmeticShape(
  layer: Layer,
  items: Structure<SymbolicTensor> | SymbolicTensor,
  size: number,
): number[] | null {
  const concrete = (t: SymbolicTensor): number[] =>
    t.shape.map((d, i) => d ?? (i === 0 ? 1 : size));
  const inputShape = items instanceof SymbolicTensor
    ? concrete(items)
    : mapStructure(items as Structure<SymbolicTensor>, concrete);
  let out: unknown;
  try {
    out = layer.computeOutputShape(inputShape as Shape);
  } catch {
    return null; // The arithmetic refuses this input: running the layer will say why.
  }
  if (!Array.isArray(out) || out.length === 0) return null;
  const batch = concrete(allTensors(items)[0])[0];
  const shape = [batch, ...out.slice(1)];
  // A size the probe could not have produced (0, negative, unknown): let the probe decide.
  return shape.every((d) => Number.isInteger(d) && d > 0) ? shape as number[] : null;
}

/**
 * While a model is rebuilt from a file: the output of a layer declaring
 * {@link ExactOutputShape}, by arithmetic instead of a run on zeros (which
 * needs the layer's working memory: a convolution's columns on a large
 * activation), so a rebuild allocates little beyond the weights. The same
 * sizes as the probes stand for unknown axes, and an input the arithmetic
 * refuses is left to the probe (and its error). `null` when the layer is to
 * be probed: outside a load, a layer without the declaration, non-float32
 * inputs, call arguments, or masks only a run can tell.
 */
function describeByArithmetic(
  layer: Layer,
  items: Structure<SymbolicTensor> | SymbolicTensor,
  unknown: boolean,
  callArgs: Record<string, unknown> | undefined,
  widened: boolean,
): [Probe, Probe | null] | null {
  if (loadingFile() === null || loadInference === "probe" || callArgs !== undefined) return null;
  if (!declaresExactOutput(layer)) return null;
  if (allTensors(items).some((t) => t.dtype !== "float32")) return null;
  if (widened && !weightsFit(layer, items)) return null;
  const maskRank = arithmeticMaskRank(layer, items);
  if (maskRank === null) return null;
  const described = (shape: number[]): Probe => ({
    outputs: [{ shape, dtype: "float32", maskRank }],
    keys: null,
  });
  let found: [Probe, Probe | null] | null = null;
  for (const [a, b] of unknown ? PROBE_SIZES : PROBE_SIZES.slice(0, 1)) {
    const first = arithmeticShape(layer, items, a);
    const second = unknown ? arithmeticShape(layer, items, b) : null;
    if (first && (!unknown || second)) {
      found = [described(first), second && described(second)];
      break;
    }
  }
  if (found && loadInference === "compare") compareWithProbe(layer, items, unknown, found);
  return found;
}

/**
 * For a layer built before this call (from a file's `build_config`) on
 * other shapes: whether its weights are those it would create for these
 * inputs, so that running it could not fail on them. A fresh copy is built
 * under a budget of the layer's own weight shapes (so a mismatch is refused
 * before it allocates anything large) and disposed.
 */
function weightsFit(layer: Layer, items: Structure<SymbolicTensor> | SymbolicTensor): boolean {
  const own = layer.weights.map((w) => ({ name: w.name, shape: w.shape }));
  const shapes = items instanceof SymbolicTensor
    ? [null, ...items.shape.slice(1)]
    : mapStructure(items as Structure<SymbolicTensor>, (t): Shape => [null, ...t.shape.slice(1)]);
  let fresh: Layer | null = null;
  try {
    return withWeightBudget(own, loadingFile()!, () => {
      const cls = layer.constructor as unknown as { fromConfig(c: unknown): Layer };
      fresh = cls.fromConfig(layer.getConfig());
      fresh.build(shapes as Shape);
      const made = fresh.weights.map((w) => w.shape);
      return JSON.stringify(made) === JSON.stringify(own.map((w) => w.shape));
    });
  } catch {
    return false; // It cannot be built so: running it will say why.
  } finally {
    (fresh as Layer | null)?.dispose();
  }
}

/** Runs the probes the arithmetic replaced, as `applySymbolic` would, and throws when they disagree. */
function compareWithProbe(
  layer: Layer,
  items: Structure<SymbolicTensor> | SymbolicTensor,
  unknown: boolean,
  found: [Probe, Probe | null],
): void {
  let ran: [Probe, Probe | null] | null = null;
  let failure: unknown = null;
  for (const [a, b] of unknown ? PROBE_SIZES : PROBE_SIZES.slice(0, 1)) {
    try {
      ran = [probe(layer, items, a), unknown ? probe(layer, items, b) : null];
      break;
    } catch (e) {
      failure ??= e;
    }
  }
  const what = `Shape arithmetic of ${layer.name} (${layer.constructor.name})`;
  if (ran === null) {
    throw new Error(
      `${what} described ${JSON.stringify(found)} where running it fails: ${
        (failure as Error).message
      }`,
    );
  }
  if (JSON.stringify(ran) !== JSON.stringify(found)) {
    throw new Error(
      `${what} disagrees with running it: ${JSON.stringify(found)} against ${JSON.stringify(ran)}`,
    );
  }
}

interface Probe {
  outputs: { shape: number[]; dtype: SymbolicDType; maskRank: number }[];
  /** `null` for one tensor, `"array"`, or a record's keys. */
  keys: "array" | string[] | null;
}

function allTensors(items: Structure<SymbolicTensor> | SymbolicTensor): SymbolicTensor[] {
  return items instanceof SymbolicTensor ? [items] : structureValues(items);
}

/** Runs the layer once on zeros shaped like the inputs (unknown axes at `size`), in inference mode. */
function probe(
  layer: Layer,
  items: Structure<SymbolicTensor> | SymbolicTensor,
  size: number,
  callArgs?: Record<string, unknown>,
): Probe {
  let result!: Probe;
  tf.tidy(() => {
    const zeros = (t: SymbolicTensor) => {
      const shape = t.shape.map((d, i) => d ?? (i === 0 ? 1 : size));
      // A boolean input (an attention mask) attends everywhere: all true; a string input: "".
      const z = t.dtype === "bool"
        ? tf.ones(shape, "bool")
        : t.dtype === "string"
        ? tf.fill(shape, "", "string")
        : tf.zeros(shape, t.dtype);
      if (t.maskRank > 0) {
        const maskShape = shape.slice(0, t.maskRank);
        const n = maskShape.reduce((a, b) => a * b, 1);
        attachMask(z, { values: new Uint8Array(n).fill(1), shape: maskShape });
      }
      return z;
    };
    const args = items instanceof SymbolicTensor
      ? zeros(items)
      : mapStructure(items as Structure<SymbolicTensor>, zeros);
    const y: unknown = layer.apply(args as tf.Tensor, {
      ...resolveCallArgs(callArgs, zeros),
      training: false,
    });
    const describeOut = (t: tf.Tensor) => {
      const mask = storedMask(t);
      const dtype: SymbolicDType = t.dtype === "int32" || t.dtype === "bool" ||
          t.dtype === "string"
        ? t.dtype
        : "float32";
      return { shape: [...t.shape], dtype, maskRank: mask ? mask.shape.length : 0 };
    };
    if (y instanceof tf.Tensor) {
      result = { outputs: [describeOut(y)], keys: null };
      return;
    }
    const entries = y !== null && typeof y === "object" ? Object.entries(y) : [];
    if (entries.length === 0 || entries.some(([, t]) => !(t instanceof tf.Tensor))) {
      throw new TypeError(
        `the layer returned ${describe(y)}, expected a tensor, an array or a record of tensors`,
      );
    }
    result = {
      outputs: entries.map(([, t]) => describeOut(t as tf.Tensor)),
      keys: Array.isArray(y) ? "array" : entries.map(([k]) => k),
    };
  });
  return result;
}

/**
 * For a built layer called on new shapes: makes the axes where its build
 * shape and the new shape differ (or the new one is unknown) unknown, so
 * the layer accepts both. Returns how to undo it, or `null` for an unbuilt layer.
 */
function widenBuildShapes(layer: Layer, shapes: Shape | Structure<Shape>): (() => void) | null {
  if (!layer.built) return null;
  const widen = (built: Shape | null, given: Shape): Shape | null =>
    built && built.length === given.length
      ? built.map((d, i) => (i === 0 || d === given[i] ? d : null))
      : built;
  if (layer.buildInputShapes !== null && !isShape(shapes)) {
    const saved = layer.buildInputShapes;
    const builtShapes = saved as Record<string, Shape>;
    const givenShapes = shapes as Record<string, Shape>;
    if (Array.isArray(saved) === Array.isArray(shapes)) {
      layer.buildInputShapes = mapStructure(
        saved,
        (s, k) => givenShapes[k] ? widen(s, givenShapes[k])! : builtShapes[k],
      ) as Structure<Shape>;
    }
    return () => layer.buildInputShapes = saved;
  }
  const saved = layer.buildInputShape;
  if (isShape(shapes)) layer.buildInputShape = widen(saved, shapes);
  return () => layer.buildInputShape = saved;
}

function isShape(s: Shape | Structure<Shape>): s is Shape {
  return Array.isArray(s) && (s.length === 0 || !Array.isArray(s[0]));
}
