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
 * plain records) are tracked: their weights appear in the owner's weights.
 *
 * @module
 */
import "./backend_setup.ts";
import { tf } from "./tf.ts";
import { attachMask, type StoredMask, storedMask } from "./masks.ts";
import { describe, formatShape } from "./format.ts";

export { maskOf } from "./masks.ts";
export { describe, formatShape } from "./format.ts";
import { toSnakeCase, uniqueLayerName, weightPath, weightVariable } from "./naming.ts";
import { getInitializer, type InitializerLike } from "./initializers.ts";
import { SeedGenerator } from "./seed_generator.ts";
import { getRegularizer, type L1L2, type RegularizerLike } from "./regularizers.ts";

/** A shape whose batch (and other unknown) dimensions are `null`. */
export type Shape = (number | null)[];

/** Options every layer accepts. */
export interface LayerOptions {
  /** Unique name; default: the snake_case class name plus a counter (`dense_1`). */
  name?: string;
  /** Whether the layer's weights are updated by training. @default true */
  trainable?: boolean;
  /** Shape of one sample (without the batch axis), for the first layer of a model. */
  inputShape?: number[];
  /** Fixed batch size, together with `inputShape`. */
  batchSize?: number;
}

/** Options of `Layer.apply` and `Layer.call`. */
export interface CallOptions {
  /** Training mode (Dropout drops, BatchNormalization uses batch statistics). @default false */
  training?: boolean;
  /** A boolean mask over the input's time steps; found automatically when omitted. */
  mask?: tf.Tensor | null;
}

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
  /** The input shape `build` saw, batch axis null. */
  buildInputShape: Shape | null = null;
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
  readonly #baseOptions: LayerOptions;

  /** Creates the layer; `options` are name, trainability and a first layer's input shape. @param options Name, trainability and the input shape of a first layer. */
  constructor(options: LayerOptions = {}) {
    this.#baseOptions = options;
    this.name = options.name ?? uniqueLayerName(toSnakeCase(this.constructor.name));
    this.#trainable = options.trainable ?? true;
    if (options.inputShape !== undefined) {
      const s = options.inputShape;
      if (!Array.isArray(s) || s.some((d) => !Number.isInteger(d) || d <= 0)) {
        throw new TypeError(
          `Cannot create ${this.constructor.name} as "inputShape" must be an array of positive integers: received ${
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
   * the first input.
   *
   * @param _inputShape The input shape, batch axis `null`.
   */
  build(_inputShape: Shape): void {}

  /**
   * The layer's computation. Runs inside `tf.tidy`; return a new tensor.
   *
   * @param inputs The input tensor.
   * @param options Training flag and mask.
   * @returns The output tensor.
   */
  abstract call(inputs: tf.Tensor, options: CallOptions): tf.Tensor;

  /**
   * The mask of the output, given the input's mask. The default passes the
   * mask through when `supportsMasking` is set and drops it otherwise.
   *
   * @param _inputs The input tensor.
   * @param mask The input mask.
   * @returns The output mask, or `null`.
   */
  computeMask(_inputs: tf.Tensor, mask: tf.Tensor | null): tf.Tensor | null {
    return this.supportsMasking ? mask : null;
  }

  /**
   * The output shape for an input shape. The default runs the layer once on
   * a single zero sample, so every layer answers correctly without its own
   * shape arithmetic.
   *
   * @param inputShape The input shape; `null` dimensions are taken as 1.
   * @returns The output shape, batch axis `null`.
   */
  computeOutputShape(inputShape: Shape): Shape {
    const concrete = inputShape.map((d) => d ?? 1);
    const shape = tf.tidy(() => this.apply(tf.zeros(concrete)).shape);
    return [null, ...shape.slice(1)];
  }

  /**
   * Runs the layer: builds it on first use, checks the input's shape, and
   * calls `call` inside `tf.tidy`.
   *
   * @param inputs The input tensor (batch axis first).
   * @param options Training flag and an explicit mask.
   * @returns The output tensor; a mask, when the layer makes one, can be read
   *   with `maskOf(output)` and is found automatically by the next layer.
   */
  apply(inputs: tf.Tensor, options: CallOptions = {}): tf.Tensor {
    if (!(inputs instanceof tf.Tensor)) {
      throw new TypeError(
        `Cannot apply ${this.name} as "inputs" must be a tf.Tensor: received ${describe(inputs)}`,
      );
    }
    const shape: Shape = [null, ...inputs.shape.slice(1)];
    if (!this.built) {
      this.checkInputShape(inputs.shape, this.batchInputShape);
      this.build(shape);
      this.buildInputShape = shape;
      this.built = true;
    } else {
      this.checkInputShape(inputs.shape, this.buildInputShape);
    }
    const stored = options.mask === undefined ? storedMask(inputs) : null;
    const training = options.training ?? false;
    let outStored: StoredMask | null = null;
    const output = tf.tidy(() => {
      const mask = options.mask ?? (stored ? tf.tensor(stored.values, stored.shape, "bool") : null);
      const x = this.autoCast && inputs.dtype !== "float32" ? tf.cast(inputs, "float32") : inputs;
      let y = this.call(x, { training, mask: this.supportsMasking ? mask : null });
      if (y === inputs) y = tf.clone(y); // never hand back (and re-mask) the caller's tensor
      if (this.maskFromOutput) {
        outStored = storedMask(y);
      } else {
        const m = this.computeMask(x, mask);
        outStored = m === null
          ? null
          : m === mask && stored
          ? stored
          : { values: Uint8Array.from(m.dataSync()), shape: m.shape };
      }
      return y;
    });
    if (outStored) attachMask(output, outStored);
    this.outputShape = [null, ...output.shape.slice(1)];
    return output;
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
   * @param name The weight's name within the layer (`"kernel"`, `"bias"`).
   * @param shape Its shape.
   * @param options Initializer, trainability, regularizer, dtype.
   * @returns The new variable.
   */
  addWeight(name: string, shape: number[], options: AddWeightOptions = {}): tf.Variable {
    const trainable = options.trainable ?? true;
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

  /** Layers tracked as fields (directly, in arrays, or in plain records). */
  get trackedLayers(): Layer[] {
    const found: Layer[] = [];
    const visit = (value: unknown, depth: number) => {
      if (value instanceof Layer) {
        if (value !== this && !found.includes(value)) found.push(value);
      } else if (depth === 0 && Array.isArray(value)) {
        for (const v of value) visit(v, 1);
      } else if (
        depth === 0 && value !== null && typeof value === "object" &&
        Object.getPrototypeOf(value) === Object.prototype
      ) {
        for (const v of Object.values(value)) visit(v, 1);
      }
    };
    for (const value of Object.values(this)) visit(value, 0);
    return found;
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
    const own = [
      ...this.#weights.filter((w) => w.trainable),
      ...this.#weights.filter((w) => !w.trainable),
    ];
    return unique([...own.map((w) => w.variable), ...this.trackedLayers.flatMap((l) => l.weights)]);
  }

  /** The weights that training updates. */
  get trainableWeights(): tf.Variable[] {
    if (!this.#trainable) return [];
    const own = this.#weights.filter((w) => w.trainable).map((w) => w.variable);
    return unique([...own, ...this.trackedLayers.flatMap((l) => l.trainableWeights)]);
  }

  /** The weights that training leaves alone (or updates by assignment, like moving means). */
  get nonTrainableWeights(): tf.Variable[] {
    if (!this.#trainable) return this.weights;
    const own = this.#weights.filter((w) => !w.trainable).map((w) => w.variable);
    return unique([...own, ...this.trackedLayers.flatMap((l) => l.nonTrainableWeights)]);
  }

  /** Own weights with their names within this layer, in `weights` order. */
  get namedWeights(): { name: string; variable: tf.Variable }[] {
    return [
      ...this.#weights.filter((w) => w.trainable),
      ...this.#weights.filter((w) => !w.trainable),
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
    return [...own, ...this.trackedLayers.flatMap((l) => l.losses)];
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
   * Names of the constructor's positional arguments, in order; `fromConfig`
   * passes those keys positionally and the rest as the options object.
   */
  static positionalArgs: string[] = [];

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

  /** Frees the layer's weights. */
  dispose(): void {
    for (const w of this.weights) w.dispose();
  }
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
