/**
 * `Layer`: the unit every kerno model is made of.
 *
 * A layer's constructor validates its options, `build(inputShape)` creates
 * its weights with `addWeight` (once, on the first `apply`), and `call` is
 * the pure tensor computation. `apply` does what every layer needs around
 * that: build on first use, input-shape checks, casting, `tf.tidy`, and mask
 * propagation, so subclasses never repeat them.
 *
 * Layers assigned as fields of a layer or model (directly, in arrays, or in
 * plain records) are tracked: their weights appear in the owner's weights;
 * `tf.Variable`s assigned so are the owner's own weights. The hooks of
 * Keras's saving guide (`saveOwnVariables`, `saveAssets`, `getBuildConfig`
 * and their load counterparts) are here, called by `io/`.
 *
 * @module
 */
import "./backend_setup.ts";
import { tf } from "./tf.ts";
import { attachMask, maskTensor, type StoredMask, storedMask, storeMask } from "./masks.ts";
import { describe, formatShape } from "./format.ts";
import {
  applySymbolic,
  guardLoadCall,
  inboundNodes,
  isSymbolic,
  type Node,
  type SymbolicInputs,
  type SymbolicTensor,
} from "./symbolic.ts";
import type { Graph } from "./functional.ts";
import {
  checkInputStructure,
  type InputMasks,
  type InputShapes,
  isShapeStructure,
  type LayerInputs,
  mapStructure,
  type ShapeStructure,
  type Structure,
  structureValues,
  zerosFor,
} from "./layer_inputs.ts";

export { maskOf } from "./masks.ts";
export { describe, formatShape } from "./format.ts";
export type {
  InputMasks,
  InputShapes,
  LayerInputs,
  ShapeStructure,
  Structure,
} from "./layer_inputs.ts";
import {
  isLayerWeight,
  toSnakeCase,
  uniqueLayerName,
  weightPath,
  weightVariable,
} from "./naming.ts";
import { getInitializer, type InitializerLike } from "./initializers.ts";
import { SeedGenerator } from "./seed_generator.ts";
import { chargeWeight } from "./_weight_budget.ts";
import { getRegularizer, type L1L2, type RegularizerLike } from "./regularizers.ts";
import { checkClassOptions, checkOptions, type WithOptionKeys } from "./options.ts";
import { boolean, reject } from "./validate.ts";

/** A shape whose batch (and other unknown) dimensions are `null`. */
export type Shape = (number | null)[];

/** Options every layer accepts. */
export interface LayerOptions {
  /** Unique name; default: the snake_case class name plus a counter (`dense_1`). */
  name?: string;
  /** Whether the layer's weights are updated by training. @default true */
  trainable?: boolean;
  /**
   * Shape of one sample (without the batch axis), for the first layer of a
   * model; `null` marks a dimension of unknown size (`[null, 3]`: sequences
   * of any length), as in Keras.
   */
  inputShape?: (number | null)[];
  /** Fixed batch size, together with `inputShape`. */
  batchSize?: number;
}

/** The keys of {@link LayerOptions}, which every layer's `optionKeys` spreads in. */
export const LAYER_OPTION_KEYS: readonly (keyof LayerOptions)[] = [
  "name",
  "trainable",
  "inputShape",
  "batchSize",
];

/**
 * Options of `Layer.apply` and `Layer.call`. `M` is the mask's type: one
 * tensor for a layer of one input; for a layer called on an array or a
 * record of tensors (a merge layer), masks in that same structure.
 */
export interface CallOptions<M extends InputMasks = tf.Tensor | null> {
  /** Training mode (Dropout drops, BatchNormalization uses batch statistics). @default false */
  training?: boolean;
  /** A boolean mask over the input's time steps (one per input); found automatically when omitted. */
  mask?: M;
}

/** The keys of {@link CallOptions}. */
const CALL_OPTION_KEYS: readonly (keyof CallOptions)[] = ["training", "mask"];

/** Options of `Layer.addWeight`. */
export interface AddWeightOptions {
  /** The initializer of the weight's first value. @default "glorot_uniform" */
  initializer?: InitializerLike;
  /** Whether training updates the weight. @default true */
  trainable?: boolean;
  /** A penalty added to the training loss. */
  regularizer?: RegularizerLike;
  /** The weight's dtype. @default "float32" */
  dtype?: "float32" | "int32";
}

/**
 * Options of the Keras-style `Layer.addWeight({ shape, initializer, name,
 * trainable })`, Keras's `add_weight(shape=, initializer=, name=, …)`.
 */
export interface AddWeightConfig extends AddWeightOptions {
  /** The weight's shape. @default [] (a scalar) */
  shape?: number[];
  /** The weight's name within the layer. @default "variable", then "variable_1", … */
  name?: string;
}

const ADD_WEIGHT_KEYS = ["shape", "name", "initializer", "trainable", "regularizer", "dtype"];

/**
 * The store `Layer.saveOwnVariables` fills and `Layer.loadOwnVariables`
 * reads, Keras's dict-like weights store: the layer's variables (or any
 * tensors) under the keys `"0"`, `"1"`, … by default.
 */
export type VariableStore = Record<string, tf.Tensor>;

interface WeightEntry {
  variable: tf.Variable;
  name: string;
  trainable: boolean;
  regularizer?: L1L2;
}

/**
 * The base class of all layers and models.
 *
 * @example
 * ```ts
 * import { Layer, tf } from "../mod.ts";
 * class Scale extends Layer {
 *   scale!: tf.Variable;
 *   override build(): void {
 *     this.scale = this.addWeight("scale", [], { initializer: "ones" });
 *   }
 *   override call(x: tf.Tensor): tf.Tensor {
 *     return tf.mul(x, this.scale);
 *   }
 * }
 * const y = new Scale().apply(tf.ones([2, 3]));
 * y.dispose();
 * ```
 */
export abstract class Layer {
  /** The layer's unique name. */
  readonly name: string;
  /** Whether `build` has run. */
  built = false;
  /** Whether the layer passes a mask through (or consumes one). */
  supportsMasking = false;
  /** Whether float inputs of another dtype are cast to float32 first. */
  protected autoCast = true;
  /** Shape of one sample given at construction (`inputShape`), with a null batch axis. */
  readonly batchInputShape: Shape | null;
  /** The input shape `build` saw, batch axis null; `null` before, and for several inputs. */
  buildInputShape: Shape | null = null;
  /**
   * The input shapes `build` saw when the layer was first called on an
   * array or a record of tensors (a merge layer), in that structure;
   * `null` for a layer of one input.
   */
  buildInputShapes: ShapeStructure | null = null;
  /** The output shape of the last `apply`, batch axis null. */
  outputShape: Shape | null = null;
  /**
   * The layer's own random stream, seeded from kerno's global generator (see
   * `setSeed`) when the layer is created: `addWeight`'s initializers, dropout
   * masks and, for a model, `fit`'s shuffling draw from it, so a model's
   * numbers do not depend on what other models draw meanwhile. A layer with
   * a `seed` option (Dropout) replaces it with one of that seed.
   */
  seedGenerator: SeedGenerator = new SeedGenerator();
  #trainable: boolean;
  #weights: WeightEntry[] = [];
  #addedLosses: tf.Scalar[] = [];
  readonly #baseOptions: LayerOptions;

  /** Creates the layer; `options` are name, trainability and a first layer's input shape. @param options Name, trainability and the input shape of a first layer. */
  constructor(options: LayerOptions = {}) {
    const what = `build ${this.constructor.name}`;
    options = checkClassOptions(what, this.constructor as WithOptionKeys, options);
    if (options.name !== undefined && typeof options.name !== "string") {
      reject(what, "name", options.name, "a string");
    }
    if (options.trainable !== undefined) boolean(what, "trainable", options.trainable);
    this.#baseOptions = options;
    this.name = options.name ?? uniqueLayerName(toSnakeCase(this.constructor.name));
    this.#trainable = options.trainable ?? true;
    if (options.inputShape !== undefined) {
      const s = options.inputShape;
      if (!Array.isArray(s) || s.some((d) => d !== null && (!Number.isInteger(d) || d <= 0))) {
        throw new TypeError(
          `Cannot create ${this.constructor.name} as "inputShape" must be an array of positive integers or null (unknown size): received ${
            JSON.stringify(s)
          }`,
        );
      }
      this.batchInputShape = [options.batchSize ?? null, ...s];
    } else {
      this.batchInputShape = null;
    }
  }

  /**
   * Creates the layer's weights; called once, by `apply`, with the shape of
   * the first input (for a layer called on an array or a record of tensors,
   * their shapes in that structure, as Keras's `build(input_shape)`).
   *
   * @param _inputShape The input shape(s), batch axis `null`.
   */
  build(_inputShape: InputShapes): void {}

  /**
   * The layer's computation. Runs inside `tf.tidy`; return a new tensor.
   * A subclass narrows the types to what it takes: `call(inputs: tf.Tensor,
   * options: CallOptions)` for one input, `call(inputs: tf.Tensor[],
   * options: CallOptions<(tf.Tensor | null)[]>)` for a list.
   *
   * @param inputs The input tensor, or tensors in the structure `apply` got.
   * @param options Training flag and mask(s).
   * @returns The output tensor.
   */
  abstract call(inputs: LayerInputs, options: CallOptions<InputMasks>): tf.Tensor;

  /**
   * The mask of the output, given the input's mask (or the inputs' masks,
   * in their structure). The default passes one input's mask through when
   * `supportsMasking` is set and drops it otherwise; several inputs' masks
   * are dropped unless a subclass (a merge layer) combines them.
   *
   * @param _inputs The input tensor(s).
   * @param mask The input mask(s).
   * @returns The output mask, or `null`.
   */
  computeMask(_inputs: LayerInputs, mask: InputMasks): tf.Tensor | null {
    return this.supportsMasking && (mask === null || mask instanceof tf.Tensor) ? mask : null;
  }

  /**
   * The output shape for an input shape. The default runs the layer once on
   * a single zero sample, so every layer answers correctly without its own
   * shape arithmetic.
   *
   * @param inputShape The input shape (or shapes, as an array or record);
   *   `null` dimensions are taken as 1.
   * @returns The output shape, batch axis `null`.
   */
  computeOutputShape(inputShape: InputShapes): Shape {
    const shape = tf.tidy(() => this.apply(zerosFor(inputShape)).shape);
    return [null, ...shape.slice(1)];
  }

  /**
   * Calls the layer on symbolic tensors (`Input(...)` or another layer's
   * symbolic output), the functional API: builds the layer on first use,
   * infers the output's shape and dtype, records the call (a node; a layer
   * called twice is shared, with one set of weights), and returns the
   * symbolic output for the next layer or for `new Model({ inputs, outputs })`.
   *
   * @param inputs A symbolic tensor, or an array or a record of them.
   * @param options `training`, fixed for this call.
   * @returns The symbolic output.
   */
  apply(inputs: SymbolicInputs, options?: CallOptions<InputMasks>): SymbolicTensor;
  /**
   * Runs the layer: builds it on first use, checks the input's shape, and
   * calls `call` inside `tf.tidy`.
   *
   * @param inputs The input tensor (batch axis first); or, for a layer of
   *   several inputs (a merge layer), an array or a record of tensors:
   *   `build` then gets their shapes, `call` the tensors and `computeMask`
   *   their masks, in that structure.
   * @param options Training flag and an explicit mask (masks, in the
   *   inputs' structure, for several inputs).
   * @returns The output tensor; a mask, when the layer makes one, can be read
   *   with `maskOf(output)` and is found automatically by the next layer.
   */
  apply(inputs: LayerInputs, options?: CallOptions<InputMasks>): tf.Tensor;
  apply(
    inputs: LayerInputs | SymbolicInputs,
    options: CallOptions<InputMasks> = {},
  ): tf.Tensor | SymbolicTensor {
    if (isSymbolic(`${this.name} (${this.constructor.name})`, inputs)) {
      try {
        return applySymbolic(this, inputs, options);
      } finally {
        // Losses a layer added while its shapes were inferred are not the model's.
        if (callDepth === 0) this.#clearAddedLosses();
      }
    }
    if (!(inputs instanceof tf.Tensor)) return this.#applyStructure(inputs, options);
    options = checkOptions(`apply ${this.name}`, options, callOptionKeysOf(this));
    const shape: Shape = [null, ...inputs.shape.slice(1)];
    guardLoadCall(this, inputs.shape); // a file's rebuild: the output's size before any weight
    if (!this.built) {
      this.checkInputShape(inputs.shape, this.batchInputShape);
      // Axes the inputShape leaves unknown (null) stay unknown: any size fits them later.
      const declared = this.batchInputShape;
      const buildShape = declared ? shape.map((d, i) => (declared[i] === null ? null : d)) : shape;
      this.build(buildShape);
      this.buildInputShape = buildShape;
      this.built = true;
    } else {
      if (this.buildInputShapes !== null) this.#wrongStructure(inputs);
      this.checkInputShape(inputs.shape, this.buildInputShape);
    }
    const stored = options.mask === undefined ? storedMask(inputs) : null;
    const training = options.training ?? false;
    if (callDepth === 0) this.#clearAddedLosses(); // Keras: the outermost call starts afresh
    let outStored: StoredMask | null = null;
    const output = tf.tidy(() => {
      const given = options.mask as tf.Tensor | null | undefined;
      const mask = given ?? (stored ? maskTensor(stored) : null);
      const x = this.autoCast && inputs.dtype !== "float32" ? tf.cast(inputs, "float32") : inputs;
      let y = nested(() =>
        this.call(x, { ...options, training, mask: this.supportsMasking ? mask : null })
      );
      if (y === inputs) y = tf.clone(y); // never hand back (and re-mask) the caller's tensor
      if (this.maskFromOutput) {
        outStored = storedMask(y);
      } else {
        const m = this.computeMask(x, mask);
        outStored = m === null ? null : m === mask && stored ? stored : storeMask(m);
      }
      // Several outputs (an RNN's sequence and states): the mask goes with the first. (Attached
      // here, where a device mask computed in this scope is still alive to be copied.)
      const out: unknown = Array.isArray(y) ? y[0] : y;
      if (outStored && out instanceof tf.Tensor) attachMask(out, outStored);
      return y;
    });
    const first: unknown = Array.isArray(output) ? output[0] : output;
    if (first instanceof tf.Tensor) this.outputShape = [null, ...first.shape.slice(1)];
    return output;
  }

  /**
   * `apply` on an array or a record of tensors: the same steps as for one
   * tensor, with shapes, tensors and masks kept in the inputs' structure.
   * (A symbolic path, for the functional API, branches off before this.)
   */
  #applyStructure(inputs: LayerInputs, options: CallOptions<InputMasks>): tf.Tensor {
    const items = checkInputStructure(`${this.name} (${this.constructor.name})`, inputs);
    options = checkOptions(`apply ${this.name}`, options, callOptionKeysOf(this));
    const shapes = mapStructure(items, (t): Shape => [null, ...t.shape.slice(1)]);
    if (!this.built) {
      this.build(shapes);
      this.buildInputShapes = shapes;
      this.built = true;
    } else {
      this.#checkInputShapes(items);
    }
    const stored = options.mask === undefined ? mapStructure(items, storedMask) : null;
    const training = options.training ?? false;
    if (callDepth === 0) this.#clearAddedLosses();
    let outStored: StoredMask | null = null;
    const output = tf.tidy(() => {
      const masks = (options.mask as Structure<tf.Tensor | null> | undefined) ??
        mapStructure(stored!, (s) => (s ? maskTensor(s) : null));
      const xs = mapStructure(
        items,
        (t) => this.autoCast && t.dtype !== "float32" ? tf.cast(t, "float32") : t,
      ) as LayerInputs;
      const mask = this.supportsMasking ? masks as InputMasks : null;
      let y = nested(() => this.call(xs, { ...options, training, mask }));
      if (structureValues(items).includes(y)) y = tf.clone(y);
      const m = this.maskFromOutput ? null : this.computeMask(xs, masks as InputMasks);
      outStored = this.maskFromOutput ? storedMask(y) : m === null ? null : storeMask(m);
      // Several outputs (an RNN's sequence and states): the mask goes with the first.
      const out: unknown = Array.isArray(y) ? y[0] : y;
      if (outStored && out instanceof tf.Tensor) attachMask(out, outStored);
      return y;
    });
    const first: unknown = Array.isArray(output) ? output[0] : output;
    if (first instanceof tf.Tensor) this.outputShape = [null, ...first.shape.slice(1)];
    return output;
  }

  /**
   * The layer's calls on symbolic tensors, in order (Keras's inbound
   * nodes): one per `apply` in a functional graph.
   */
  get inboundNodes(): readonly Node[] {
    return inboundNodes(this);
  }

  /**
   * What the layer was called on in the functional graph: its symbolic
   * input (or inputs, in the structure given). For a layer called once.
   * A functional model's (or a `Sequential` model's, once it knows its
   * input shape) is its own `inputs`, in the structure given, as in Keras.
   */
  get input(): SymbolicInputs {
    const graph = ownGraph(this);
    if (graph) return graph.inputStructure();
    return this.getInputAt(this.#onlyNode("input"));
  }

  /**
   * The layer's symbolic output in the functional graph. For a layer
   * called once. A functional model's (or a `Sequential` model's, once it
   * knows its input shape) is its own output, as in Keras (`base.output`);
   * one of several outputs has `outputs` instead.
   */
  get output(): SymbolicTensor {
    const graph = ownGraph(this);
    if (graph) {
      if (graph.outputs.length === 1) return graph.outputs[0];
      throw new TypeError(
        `Cannot read the output of ${this.name} (${this.constructor.name}) as it has ${graph.outputs.length} outputs (${
          graph.outputNames.map((n) => JSON.stringify(n)).join(", ")
        }): read model.outputs`,
      );
    }
    return this.getOutputAt(this.#onlyNode("output"));
  }

  /**
   * The symbolic input of one call (node) of a shared layer.
   *
   * @param nodeIndex Which call, from 0.
   * @returns Its input(s).
   */
  getInputAt(nodeIndex: number): SymbolicInputs {
    const node = this.#node(nodeIndex, "input");
    if (node.inputs === null) return node.outputs[0]; // an Input's own tensor
    return node.inputs;
  }

  /**
   * The symbolic output of one call (node) of a shared layer.
   *
   * @param nodeIndex Which call, from 0.
   * @returns Its output.
   */
  getOutputAt(nodeIndex: number): SymbolicTensor {
    return this.#node(nodeIndex, "output").outputs[0];
  }

  #node(index: number, what: string): Node {
    const nodes = inboundNodes(this);
    if (!Number.isInteger(index) || index < 0 || index >= nodes.length) {
      throw new RangeError(
        `Cannot read the ${what} of ${this.name} (${this.constructor.name}) at node ${
          describe(index)
        } as it has ${nodes.length} node${
          nodes.length === 1 ? "" : "s"
        } (calls on symbolic tensors): pass 0 to ${nodes.length - 1}`,
      );
    }
    return nodes[index];
  }

  #onlyNode(what: string): number {
    const n = inboundNodes(this).length;
    if (n === 0) {
      throw new TypeError(
        `Cannot read the ${what} of ${this.name} (${this.constructor.name}) as it was never called on a symbolic tensor: build a functional model (Input, layer.apply) or give a Sequential model an input shape`,
      );
    }
    if (n > 1) {
      throw new TypeError(
        `Cannot read the ${what} of ${this.name} (${this.constructor.name}) as it was called ${n} times (a shared layer): use getOutputAt(i) or getInputAt(i), i from 0 to ${
          n - 1
        }`,
      );
    }
    return 0;
  }

  /** A layer built on several inputs, called on one tensor. */
  #wrongStructure(inputs: tf.Tensor): never {
    throw new TypeError(
      `Cannot apply ${this.name} (${this.constructor.name}) as it was built on ${
        describeShapes(this.buildInputShapes!)
      }: received one tensor of shape ${formatShape([null, ...inputs.shape.slice(1)])}`,
    );
  }

  /** Checks several inputs against the structure and shapes the layer was built on. */
  #checkInputShapes(items: Structure<tf.Tensor>): void {
    const built = this.buildInputShapes;
    const received = mapStructure(items, (t): Shape => [null, ...t.shape.slice(1)]);
    const keys = (s: object) => Object.keys(s).join(",");
    if (
      built === null || Array.isArray(built) !== Array.isArray(items) ||
      keys(built) !== keys(items)
    ) {
      const was = built === null
        ? `one input of shape ${formatShape(this.buildInputShape ?? [null])}`
        : describeShapes(built);
      throw new TypeError(
        `Cannot apply ${this.name} (${this.constructor.name}) as it was built on ${was}: received ${
          describeShapes(received)
        }`,
      );
    }
    for (const [key, t] of Object.entries(items)) {
      const expected = (built as Record<string, Shape>)[key];
      const bad = t.shape.length !== expected.length ||
        expected.some((d, i) => i > 0 && d !== null && d !== t.shape[i]);
      if (bad) {
        throw new RangeError(
          `Cannot apply ${this.name} (${this.constructor.name}) as input ${
            JSON.stringify(key)
          } does not fit: expected ${formatShape(expected)}, received ${
            formatShape([null, ...t.shape.slice(1)])
          } (built on ${describeShapes(built)})`,
        );
      }
    }
  }

  /** Models set this: their output's mask is the one their last layer attached. */
  protected maskFromOutput = false;

  /**
   * Throws a RangeError naming the layer and both shapes when `actual` does
   * not fit `expected`: same rank, and equal sizes on every known axis but
   * the batch axis (the first layer's `inputShape` is checked in full).
   */
  protected checkInputShape(actual: number[], expected: Shape | null): void {
    if (expected === null) return;
    const bad = actual.length !== expected.length ||
      expected.some((d, i) => i > 0 && d !== null && d !== actual[i]);
    if (bad) {
      throw new RangeError(
        `Cannot apply ${this.name} (${this.constructor.name}) as the input shape does not fit: expected ${
          formatShape(expected)
        }, received ${formatShape([null, ...actual.slice(1)])}`,
      );
    }
  }

  /**
   * Creates a weight owned by this layer; call it from `build`. Its first
   * value is drawn with a seed from the layer's `seedGenerator`. Its
   * TensorFlow.js variable gets a process-wide unique engine name
   * (`dense/kernel:1`, see `weightVariable`), so kerno's variables never
   * clash with TensorFlow.js Layers' in one process; saved files, weight
   * decay's `varNames` and messages use the Keras path (`dense/kernel`).
   *
   * Two forms: kerno's `addWeight(name, shape, options)` and Keras's
   * `addWeight({ shape, initializer, name, trainable, regularizer, dtype })`.
   *
   * @param name The weight's name within the layer (`"kernel"`, `"bias"`).
   * @param shape Its shape.
   * @param options Initializer, trainability, regularizer, dtype.
   * @returns The new variable.
   */
  addWeight(name: string, shape: number[], options?: AddWeightOptions): tf.Variable;
  /**
   * Creates a weight owned by this layer, Keras's way:
   * `addWeight({ shape: [3], initializer: "zeros", name: "w", trainable: true })`.
   *
   * @param config Shape (default a scalar), initializer, name (default
   *   `"variable"`, made unique), trainability, regularizer, dtype.
   * @returns The new variable.
   */
  addWeight(config: AddWeightConfig): tf.Variable;
  addWeight(
    nameOrConfig: string | AddWeightConfig,
    shapeArg?: number[],
    optionsArg: AddWeightOptions = {},
  ): tf.Variable {
    const { name, shape, options } = this.#addWeightArgs(nameOrConfig, shapeArg, optionsArg);
    const trainable = options.trainable ?? true;
    chargeWeight(this.name, name, shape); // a file's weight budget, when one is loading
    const seed = this.seedGenerator.next();
    const init = tf.tidy(() =>
      getInitializer(options.initializer ?? "glorot_uniform").apply(shape, options.dtype, seed)
    );
    const variable = weightVariable(`${this.name}/${name}`, init, trainable);
    init.dispose();
    const regularizer = options.regularizer === undefined
      ? undefined
      : getRegularizer(options.regularizer);
    this.#weights.push({ variable, name, trainable, regularizer });
    return variable;
  }

  /** Reads either form of `addWeight`'s arguments; a call that fits neither is refused. */
  #addWeightArgs(
    first: unknown,
    shape: unknown,
    options: unknown,
  ): { name: string; shape: number[]; options: AddWeightOptions } {
    const how =
      "addWeight(name, shape, options) or addWeight({ shape, initializer, name, trainable })";
    let out: { name: unknown; shape: unknown; options: unknown };
    if (typeof first === "string") {
      out = { name: first, shape, options };
    } else if (
      first !== null && typeof first === "object" && !Array.isArray(first) && shape === undefined
    ) {
      const config = checkOptions(
        `add a weight to ${this.name}`,
        first as AddWeightConfig,
        ADD_WEIGHT_KEYS,
      );
      const { shape: s = [], name, ...rest } = config;
      out = { name: name ?? this.#freeWeightName("variable"), shape: s, options: rest };
    } else {
      throw new TypeError(
        `Cannot add a weight to ${this.name} as the arguments fit neither ${how}: received ${
          describe(first)
        }${shape === undefined ? "" : ` and ${describe(shape)}`}`,
      );
    }
    if (typeof out.name !== "string" || out.name === "") {
      throw new TypeError(
        `Cannot add a weight to ${this.name} as "name" must be a non-empty string: received ${
          describe(out.name)
        }`,
      );
    }
    const s = out.shape;
    if (!Array.isArray(s) || s.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new TypeError(
        `Cannot add weight "${out.name}" to ${this.name} as "shape" must be an array of non-negative integers: received ${
          Array.isArray(s) ? JSON.stringify(s) : describe(s)
        }; call ${how}`,
      );
    }
    const o = out.options ?? {};
    if (typeof o !== "object" || Array.isArray(o)) {
      throw new TypeError(
        `Cannot add weight "${out.name}" to ${this.name} as "options" must be an object: received ${
          describe(o)
        }`,
      );
    }
    return { name: out.name, shape: s as number[], options: o as AddWeightOptions };
  }

  /** `base`, or `base_1`, `base_2`, … : a weight name this layer does not use yet. */
  #freeWeightName(base: string): string {
    const taken = new Set(this.#weights.map((w) => w.name));
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    return name;
  }

  /** Layers tracked as fields (directly, in arrays, or in plain records). */
  get trackedLayers(): Layer[] {
    const found: Layer[] = [];
    for (const [, value] of fieldItems(this)) {
      if (value instanceof Layer && value !== this && !found.includes(value)) found.push(value);
    }
    return found;
  }

  /**
   * The `tf.Variable`s assigned as fields (directly, in arrays, or in plain
   * records) that are not some layer's `addWeight` weights: tracked like
   * layers, they are this layer's own weights, trainable as their
   * `trainable` flag says, named after the field (`scale`; `scales_0` in an
   * array, `scales_key` in a record), and saved and restored with the rest.
   */
  get trackedVariables(): { name: string; variable: tf.Variable }[] {
    const found: { name: string; variable: tf.Variable }[] = [];
    for (const [name, value] of fieldItems(this)) {
      if (
        value instanceof tf.Variable && !isLayerWeight(value) &&
        !found.some((f) => f.variable === value)
      ) {
        found.push({ name, variable: value });
      }
    }
    return found;
  }

  /** Own weights: `addWeight`'s, then the tracked variable fields. */
  #ownEntries(): WeightEntry[] {
    const fields = this.trackedVariables.map(({ name, variable }) => ({
      name,
      variable,
      trainable: variable.trainable,
    }));
    return [...this.#weights, ...fields];
  }

  /** Whether the weights are trained; setting it applies to every sublayer too. */
  get trainable(): boolean {
    return this.#trainable;
  }
  set trainable(value: boolean) {
    this.#trainable = value;
    for (const layer of this.trackedLayers) layer.trainable = value;
  }

  /** All weights: own trainable, own non-trainable, then each sublayer's. */
  get weights(): tf.Variable[] {
    const entries = this.#ownEntries();
    const own = [
      ...entries.filter((w) => w.trainable),
      ...entries.filter((w) => !w.trainable),
    ];
    return unique([...own.map((w) => w.variable), ...this.trackedLayers.flatMap((l) => l.weights)]);
  }

  /** The weights that training updates. */
  get trainableWeights(): tf.Variable[] {
    if (!this.#trainable) return [];
    const own = this.#ownEntries().filter((w) => w.trainable).map((w) => w.variable);
    return unique([...own, ...this.trackedLayers.flatMap((l) => l.trainableWeights)]);
  }

  /** The weights that training leaves alone (or updates by assignment, like moving means). */
  get nonTrainableWeights(): tf.Variable[] {
    if (!this.#trainable) return this.weights;
    const own = this.#ownEntries().filter((w) => !w.trainable).map((w) => w.variable);
    return unique([...own, ...this.trackedLayers.flatMap((l) => l.nonTrainableWeights)]);
  }

  /** Own weights with their names within this layer, in `weights` order. */
  get namedWeights(): { name: string; variable: tf.Variable }[] {
    const entries = this.#ownEntries();
    return [
      ...entries.filter((w) => w.trainable),
      ...entries.filter((w) => !w.trainable),
    ]
      .map(({ name, variable }) => ({ name, variable }));
  }

  /**
   * The regularization penalties of this layer's and its sublayers' weights.
   *
   * @returns One scalar per regularized weight; the caller owns them.
   */
  get losses(): tf.Scalar[] {
    const own = this.#weights.filter((w) => w.regularizer).map((w) =>
      w.regularizer!.apply(w.variable)
    );
    const added = this.#addedLosses.map((t) => tf.clone(t));
    return [...own, ...added, ...this.trackedLayers.flatMap((l) => l.losses)];
  }

  /**
   * Keras's `add_loss`: adds a loss computed in `call` (an activity
   * penalty, say) to the training loss; a tensor of any shape counts as its
   * sum. The losses added during the outermost `apply` stay until the next
   * outermost `apply` (or `dispose`) and are included in `losses`, so
   * `computeLoss`, `fit` and `evaluate` add them, with their gradients.
   *
   * @example
   * ```ts
   * import { Layer, tf } from "../mod.ts";
   * class Penalised extends Layer {
   *   override call(x: tf.Tensor): tf.Tensor {
   *     this.addLoss(tf.mul(0.01, tf.sum(tf.square(x))));
   *     return x;
   *   }
   * }
   * const layer = new Penalised();
   * const x = tf.ones([2, 3]);
   * const y = layer.apply(x);
   * const [loss] = layer.losses; // 0.06
   * tf.dispose([x, y, loss]);
   * layer.dispose();
   * ```
   * @param loss The loss tensor; the caller keeps ownership of it.
   */
  addLoss(loss: tf.Tensor): void {
    if (!(loss instanceof tf.Tensor)) {
      throw new TypeError(
        `Cannot add a loss to ${this.name} as "loss" must be a tf.Tensor: received ${
          describe(loss)
        }`,
      );
    }
    this.#addedLosses.push(tf.keep(tf.tidy(() => tf.sum(tf.cast(loss, "float32")))));
  }

  /** Frees the losses added by `addLoss`, this layer's and its sublayers'. */
  #clearAddedLosses(): void {
    tf.dispose(this.#addedLosses);
    this.#addedLosses = [];
    for (const layer of this.trackedLayers) layer.#clearAddedLosses();
  }

  /**
   * Counts the scalars in the layer's weights.
   * @returns The number of scalars in all weights.
   */
  countParams(): number {
    if (!this.built && this.weights.length === 0) {
      throw new Error(
        `Cannot count the parameters of ${this.name} as it is not built yet: call it on data first or give the first layer an "inputShape"`,
      );
    }
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /** Copies the weights' current values. @returns Copies of the weights' values, in `weights` order. */
  getWeights(): tf.Tensor[] {
    return this.weights.map((w) => tf.clone(w));
  }

  /**
   * Sets every weight; checks all counts and shapes before changing any.
   *
   * @param values One tensor per weight, in `weights` order.
   */
  setWeights(values: tf.Tensor[]): void {
    const weights = this.weights;
    if (values.length !== weights.length) {
      throw new RangeError(
        `Cannot set the weights of ${this.name} as it has ${weights.length} weights: received ${values.length}`,
      );
    }
    weights.forEach((w, i) => {
      if (!tf.util.arraysEqual(w.shape, values[i].shape)) {
        const path = weightPath(w);
        throw new RangeError(
          `Cannot set weight "${path}" of ${this.name} as the shapes differ: expected [${w.shape}], received [${
            values[i].shape
          }]`,
        );
      }
    });
    weights.forEach((w, i) =>
      w.assign(values[i].dtype === w.dtype ? values[i] : tf.cast(values[i], w.dtype))
    );
  }

  /**
   * Keras's `save_own_variables`: puts the values to save for this layer's
   * own weights (not its sublayers') into `store`. `model.save` (both
   * formats) and `saveWeights` call it for every layer; the default stores
   * the weights in `namedWeights` order under `"0"`, `"1"`, …. Override it,
   * together with `loadOwnVariables`, to save other state; tensors made
   * here are freed once their values are read.
   *
   * @param store The dict-like store to fill.
   */
  saveOwnVariables(store: VariableStore): void {
    this.namedWeights.forEach(({ variable }, i) => {
      store[String(i)] = variable;
    });
  }

  /**
   * Keras's `load_own_variables`: restores this layer's own weights from
   * what `saveOwnVariables` stored. The default checks the count and every
   * shape before assigning any. `loadModel` and `loadWeights` call it for
   * every layer that overrides either hook (other layers are restored
   * together, all shapes checked first); the store's tensors are freed
   * after the call.
   *
   * @param store The stored tensors, by key.
   */
  loadOwnVariables(store: VariableStore): void {
    const own = this.namedWeights;
    const keys = Object.keys(store);
    const what = `Cannot load the variables of ${this.name} (${this.constructor.name})`;
    if (keys.length !== own.length) {
      throw new RangeError(
        `${what} as it has ${own.length} weights and the store holds ${keys.length} (keys: ${
          keys.join(", ") || "none"
        })`,
      );
    }
    own.forEach(({ name, variable }, i) => {
      const value = store[String(i)];
      if (!(value instanceof tf.Tensor)) {
        throw new RangeError(`${what} as the store has no tensor under "${i}" for "${name}"`);
      }
      if (!tf.util.arraysEqual(value.shape, variable.shape)) {
        throw new RangeError(
          `${what} as weight "${name}" has shape [${variable.shape}] and the stored value [${value.shape}]`,
        );
      }
    });
    own.forEach(({ variable }, i) => {
      const value = store[String(i)];
      tf.tidy(() =>
        variable.assign(value.dtype === variable.dtype ? value : tf.cast(value, variable.dtype))
      );
    });
  }

  /**
   * Keras's `save_assets`: writes files this layer needs besides its
   * weights (a vocabulary, a lookup table) into `dir`, which exists. Called
   * by `model.save` for every layer that overrides it: in a `.keras`
   * archive the files land under `assets/<layer path>/`, in a TensorFlow.js
   * directory under its `assets/<layer path>/` subfolder. Does nothing by
   * default.
   *
   * @param _dir The layer's own asset directory.
   * @returns Nothing, or a promise of the files being written.
   */
  saveAssets(_dir: string): void | Promise<void> {}

  /**
   * Keras's `load_assets`: reads back what `saveAssets` wrote. Called by
   * `loadModel` for every layer that overrides it, after the weights are
   * restored, with the same layer directory. Does nothing by default.
   *
   * @param _dir The layer's own asset directory.
   * @returns Nothing, or a promise of the files being read.
   */
  loadAssets(_dir: string): void | Promise<void> {}

  /**
   * Keras's `get_build_config`: what `buildFromConfig` needs to build the
   * layer again on load, saved beside `getConfig()` (as `build_config`).
   * The default is `{ inputShape }` (the shape `build` saw), or `null`
   * when the layer is not built.
   *
   * @returns The build config, or `null`.
   */
  getBuildConfig(): Record<string, unknown> | null {
    if (this.buildInputShapes !== null) {
      return { inputShape: mapStructure(this.buildInputShapes, (s) => [...s]) };
    }
    return this.buildInputShape === null ? null : { inputShape: [...this.buildInputShape] };
  }

  /**
   * Keras's `build_from_config`: builds the layer from `getBuildConfig()`'s
   * output; `loadModel` calls it on a layer or model that is not built yet.
   * The default builds with `config.inputShape`, when given.
   *
   * @param config The saved build config.
   */
  buildFromConfig(config: Record<string, unknown>): void {
    const shape = config?.inputShape;
    if (!this.built && isShapeStructure(shape)) return this.#buildFromShapes(shape);
    if (this.built || !Array.isArray(shape)) return;
    if (shape.some((d) => d !== null && (!Number.isInteger(d) || d <= 0))) {
      throw new RangeError(
        `Cannot build ${this.name} from its build config as "inputShape" must hold positive integers or null: received ${
          JSON.stringify(shape)
        }`,
      );
    }
    const inputShape: Shape = [null, ...(shape as Shape).slice(1)];
    this.build(inputShape);
    this.buildInputShape = inputShape;
    this.built = true;
  }

  /** `buildFromConfig` for a layer of several inputs (a list or a record of shapes). */
  #buildFromShapes(shapes: ShapeStructure): void {
    for (const s of structureValues(shapes)) {
      if (!Array.isArray(s) || s.some((d) => d !== null && (!Number.isInteger(d) || d <= 0))) {
        throw new RangeError(
          `Cannot build ${this.name} from its build config as "inputShape" must hold shapes of positive integers or null: received ${
            JSON.stringify(shapes)
          }`,
        );
      }
    }
    const inputShapes = mapStructure(shapes, (s): Shape => [null, ...s.slice(1)]);
    this.build(inputShapes);
    this.buildInputShapes = inputShapes;
    this.built = true;
  }

  /**
   * The layer's configuration: exactly its constructor's options, so that
   * `fromConfig` can rebuild it.
   *
   * @returns A plain object.
   */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.#trainable };
    if (this.#baseOptions.inputShape) config.inputShape = [...this.#baseOptions.inputShape];
    if (this.#baseOptions.batchSize !== undefined) config.batchSize = this.#baseOptions.batchSize;
    return config;
  }

  /**
   * Options `apply` passes on to `call` besides `training` and `mask`, for
   * a layer whose call takes more (an RNN's `initialState`, attention's
   * `useCausalMask`); any other key is refused. Tensors among them may be
   * symbolic in a functional graph.
   */
  static callOptionKeys: readonly string[] = [];

  /**
   * Names of the constructor's positional arguments, in order; `fromConfig`
   * passes those keys positionally and the rest as the options object.
   */
  static positionalArgs: string[] = [];

  /**
   * The keys of the constructor's options object. A class that declares its
   * own list (every built-in layer, spreading its parent's) has unknown keys
   * refused with a suggestion; a subclass that declares none, such as a
   * user's layer with options of its own, is not checked for unknown keys.
   * To have yours checked: `static override optionKeys = [...Dense.optionKeys, "scale"]`.
   */
  static optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /**
   * Rebuilds a layer from `getConfig()`'s output.
   *
   * @param config The configuration.
   * @returns A new, unbuilt layer.
   */
  static fromConfig<T extends Layer>(
    this: { new (...args: never[]): T; positionalArgs: string[] },
    config: Record<string, unknown>,
  ): T {
    const rest = { ...config };
    const positional = this.positionalArgs.map((k) => {
      const v = rest[k];
      delete rest[k];
      return v;
    });
    return new this(...(positional as never[]), rest as never);
  }

  /** Frees the layer's weights (and the losses `addLoss` added). */
  dispose(): void {
    this.#clearAddedLosses();
    for (const w of this.weights) w.dispose();
  }
}

/**
 * A layer's fields as `[name, value]`, one level into arrays and plain
 * records (`layers_0`, `heads_key`): what field tracking looks at.
 */
function fieldItems(owner: Layer): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, value] of Object.entries(owner)) {
    if (Array.isArray(value)) {
      value.forEach((v, i) => out.push([`${key}_${i}`, v]));
    } else if (
      value !== null && typeof value === "object" && !(value instanceof tf.Tensor) &&
      Object.getPrototypeOf(value) === Object.prototype
    ) {
      for (const [k, v] of Object.entries(value)) out.push([`${key}_${k}`, v]);
    } else {
      out.push([key, value]);
    }
  }
  return out;
}

/** A model's own functional graph (a functional or an input-shaped `Sequential` model), else `null`. */
function ownGraph(layer: Layer): Graph | null {
  const own = (layer as unknown as { symbolicGraph?: () => Graph | null }).symbolicGraph;
  return typeof own === "function" ? own.call(layer) : null;
}

/** The keys `apply` accepts for a layer: `training`, `mask`, and its class's `callOptionKeys`. */
function callOptionKeysOf(layer: Layer): readonly string[] {
  const extra = (layer.constructor as { callOptionKeys?: readonly string[] }).callOptionKeys ?? [];
  return extra.length === 0 ? CALL_OPTION_KEYS : [...CALL_OPTION_KEYS, ...extra];
}

/** How many `Layer.call`s are running: 0 outside any layer (the outermost `apply`). */
let callDepth = 0;

/** Runs a layer's `call` one level deeper. */
function nested<T>(fn: () => T): T {
  callDepth++;
  try {
    return fn();
  } finally {
    callDepth--;
  }
}

/** `2 inputs (None, 3), (None, 4)`, or `inputs { a: (None, 3), b: (None, 4) }` for a record. */
function describeShapes(shapes: ShapeStructure): string {
  if (Array.isArray(shapes)) return `${shapes.length} inputs ${shapes.map(formatShape).join(", ")}`;
  const items = Object.entries(shapes).map(([k, s]) => `${k}: ${formatShape(s)}`);
  return `inputs { ${items.join(", ")} }`;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
