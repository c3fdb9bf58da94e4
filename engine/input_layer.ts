/**
 * `Input` and `InputLayer`: where a functional model's data enter.
 * `Input({ shape, dtype, name })` returns the symbolic tensor that layers
 * are called on; `new Model({ inputs, outputs })` starts from it, and a
 * `Sequential` model may begin with one.
 *
 * @module
 */
import type { tf } from "./tf.ts";
import { Layer, type Shape } from "./layer.ts";
import { addNode, type SymbolicDType, SymbolicTensor } from "./symbolic.ts";
import { checkClassOptions, type WithOptionKeys } from "./options.ts";
import { describe } from "./format.ts";

/** Options of {@link Input} and {@link InputLayer}, Keras 3's names. */
export interface InputOptions {
  /** Shape of one sample, without the batch axis; `null` marks an axis of unknown size. */
  shape?: (number | null)[];
  /** A fixed batch size. @default null (any) */
  batchSize?: number;
  /** The full shape, batch axis first (instead of `shape` and `batchSize`). */
  batchShape?: (number | null)[];
  /**
   * The dtype of the data; `"string"` for raw text (a `TextVectorization`
   * or `StringLookup` layer reads it). @default "float32"
   */
  dtype?: SymbolicDType;
  /** The input's name, by which `fit` and `predict` match a record of data. @default "input_layer", "input_layer_1", … */
  name?: string;
  /** Keras's flag; only `false` is supported. */
  sparse?: boolean;
  /** TensorFlow.js's spelling of `shape`. */
  inputShape?: (number | null)[];
  /** TensorFlow.js's spelling of `batchShape`. */
  batchInputShape?: (number | null)[];
}

const INPUT_KEYS: readonly string[] = [
  "shape",
  "batchSize",
  "batchShape",
  "dtype",
  "name",
  "sparse",
  "inputShape",
  "batchInputShape",
];

/**
 * The layer behind an {@link Input}: it holds the input's shape, dtype and
 * name, and passes data through unchanged.
 *
 * @example
 * ```ts
 * import { layers, Sequential } from "../mod.ts";
 * const model = new Sequential([
 *   new layers.InputLayer({ shape: [4] }),
 *   new layers.Dense(2),
 * ]);
 * console.log(model.outputShape); // [null, 2]
 * ```
 */
export class InputLayer extends Layer {
  /** The keys of {@link InputOptions}. */
  static override optionKeys: readonly string[] = INPUT_KEYS;
  /** The input's full shape, batch axis first. */
  readonly batchShape: Shape;
  /** The input's dtype. */
  readonly dtype: SymbolicDType;

  /** Creates the input. @param options Shape (or batch shape), dtype and name. */
  constructor(options: InputOptions = {}) {
    const what = "create an Input";
    options = checkClassOptions(what, InputLayer as WithOptionKeys, options);
    const batchShape = inputBatchShape(options);
    super({ name: options.name ?? undefined });
    const dtype = options.dtype ?? "float32";
    if (!["float32", "int32", "bool", "string"].includes(dtype)) {
      throw new TypeError(
        `Cannot ${what} as "dtype" must be "float32", "int32", "bool" or "string": received ${
          describe(dtype)
        }`,
      );
    }
    if (options.sparse) {
      throw new TypeError(`Cannot ${what} as "sparse" inputs are not supported: pass dense data`);
    }
    this.batchShape = batchShape;
    this.dtype = dtype;
    this.buildInputShape = batchShape;
    this.outputShape = batchShape;
    this.built = true;
    addNode(this, null, [{ shape: batchShape, dtype, maskRank: 0 }]);
  }

  /** The data, unchanged. */
  override call(inputs: tf.Tensor): tf.Tensor {
    return inputs;
  }

  /** The configuration: Keras 3's `batchShape`, `dtype`, `sparse` and `name`. */
  override getConfig(): Record<string, unknown> {
    return { name: this.name, batchShape: [...this.batchShape], dtype: this.dtype, sparse: false };
  }

  /**
   * Rebuilds an input from its configuration (Keras 3's `batch_shape` or
   * TensorFlow.js's `batch_input_shape`).
   *
   * @param config The configuration.
   * @returns The layer.
   */
  static override fromConfig<T extends Layer>(
    this: { new (...args: never[]): T; positionalArgs: string[] },
    config: Record<string, unknown>,
  ): T {
    const { trainable: _t, ...rest } = config;
    return new InputLayer(rest as InputOptions) as unknown as T;
  }
}

/**
 * A symbolic input of a functional model, Keras's `keras.Input`.
 *
 * @example
 * ```ts
 * import { Input, layers, Model } from "../mod.ts";
 * const x = Input({ shape: [12], name: "tags" });
 * const y = new layers.Dense(1, { activation: "sigmoid" }).apply(x);
 * const model = new Model({ inputs: x, outputs: y });
 * console.log(model.inputNames); // ["tags"]
 * ```
 * @param options Shape (or batch shape), batch size, dtype and name.
 * @returns The symbolic tensor layers are called on.
 */
export function Input(options: InputOptions): SymbolicTensor {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(
      `Cannot create an Input as its options must be an object such as { shape: [12] }: received ${
        describe(options)
      }`,
    );
  }
  return new InputLayer(options).output;
}

/** The batch shape an input's options describe, checked. */
function inputBatchShape(o: InputOptions): Shape {
  const what = "create an Input";
  const full = o.batchShape ?? o.batchInputShape;
  const sample = o.shape ?? o.inputShape;
  if (full !== undefined && sample !== undefined) {
    throw new TypeError(`Cannot ${what} with both "shape" and "batchShape": pass one`);
  }
  if (full === undefined && sample === undefined) {
    throw new TypeError(
      `Cannot ${what} as "shape" is missing: pass the shape of one sample, e.g. { shape: [28, 28, 1] }`,
    );
  }
  const given = (full ?? sample)!;
  const name = full !== undefined ? "batchShape" : "shape";
  const ok = Array.isArray(given) && (full === undefined || given.length > 0) &&
    given.every((d) => d === null || (Number.isInteger(d) && d > 0));
  if (!ok) {
    throw new TypeError(
      `Cannot ${what} as "${name}" must be an array of positive integers or null (unknown size): received ${
        Array.isArray(given) ? JSON.stringify(given) : describe(given)
      }`,
    );
  }
  if (o.batchSize !== undefined && o.batchSize !== null) {
    if (full !== undefined) {
      throw new TypeError(`Cannot ${what} with both "batchShape" and "batchSize": pass one`);
    }
    if (!Number.isInteger(o.batchSize) || o.batchSize <= 0) {
      throw new TypeError(
        `Cannot ${what} as "batchSize" must be a positive integer: received ${
          describe(o.batchSize)
        }`,
      );
    }
  }
  return full !== undefined ? [...given] : [o.batchSize ?? null, ...given];
}

/** Whether a value is the symbolic output of an `Input`. */
export function isInputTensor(t: unknown): boolean {
  return t instanceof SymbolicTensor && t.node.layer instanceof InputLayer;
}
