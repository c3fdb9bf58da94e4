/**
 * Embedding: turns integer indices into dense vectors by table lookup.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { getInitializer, type Initializer, type InitializerLike } from "../engine/initializers.ts";
import { getRegularizer, type RegularizerLike } from "../engine/regularizers.ts";
import { normalizeIdentifier } from "../engine/naming.ts";
import { boolean, positiveInt } from "../engine/validate.ts";
import { fused } from "../engine/fused.ts";

/** Options of {@link Embedding}. */
export interface EmbeddingOptions extends LayerOptions {
  /** Initializer of the table. @default "uniform" (RandomUniform in [-0.05, 0.05], as Keras) */
  embeddingsInitializer?: InitializerLike;
  /** Penalty on the table. */
  embeddingsRegularizer?: RegularizerLike;
  /**
   * Length of the index sequences, when it is fixed; the first input is
   * checked against it. @default undefined (any length)
   */
  inputLength?: number;
  /**
   * Whether index 0 means "padding": the layer then emits the mask
   * `inputs != 0`, which mask-aware layers downstream honour (so index 0
   * must not be a real token, and `inputDim` should be the vocabulary size
   * plus one). @default false
   */
  maskZero?: boolean;
}

/**
 * A trainable lookup table `[inputDim, outputDim]`: an input of integer
 * indices of shape `[batch, …]` becomes `[batch, …, outputDim]`. Indices
 * stay integers (float inputs are truncated to int32). Indices must lie in
 * `[0, inputDim)`; the CPU backend reports any outside that range.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const ids = tf.tensor2d([[1, 2, 0]], [1, 3], "int32");
 * const emb = new layers.Embedding(10, 4, { maskZero: true });
 * const y = emb.apply(ids); // shape [1, 3, 4]; mask [[true, true, false]]
 * tf.dispose([ids, y]);
 * ```
 */
export class Embedding extends Layer {
  /** Size of the vocabulary: indices lie in [0, inputDim). */
  readonly inputDim: number;
  /** Length of each embedding vector. */
  readonly outputDim: number;
  /** Whether index 0 is masked out. */
  readonly maskZero: boolean;
  readonly #options: EmbeddingOptions;
  /** The table, `[inputDim, outputDim]`; set by `build`. */
  embeddings: tf.Variable | null = null;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["inputDim", "outputDim"];

  /** The keys of {@link EmbeddingOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "embeddingsInitializer",
    "embeddingsRegularizer",
    "inputLength",
    "maskZero",
  ] satisfies (keyof EmbeddingOptions)[];

  /**
   * Creates an Embedding layer.
   *
   * @param inputDim Vocabulary size: a positive integer.
   * @param outputDim Embedding size: a positive integer.
   * @param options Initializer, regularizer, `inputLength`, `maskZero`.
   */
  constructor(inputDim: number, outputDim: number, options: EmbeddingOptions = {}) {
    super(
      layerOptions(
        "Embedding",
        options,
        noPositional,
        'new Embedding(inputDim, outputDim, { embeddingsInitializer: "uniform" })',
      ),
    );
    this.inputDim = positiveInt("build Embedding", "inputDim", inputDim);
    this.outputDim = positiveInt("build Embedding", "outputDim", outputDim);
    if (options.inputLength !== undefined) {
      positiveInt("build Embedding", "inputLength", options.inputLength);
    }
    this.maskZero = boolean("build Embedding", "maskZero", options.maskZero, false);
    // Resolve names now so that a typo fails at construction, not at build.
    resolveInitializer(options.embeddingsInitializer ?? "uniform");
    if (options.embeddingsRegularizer !== undefined) getRegularizer(options.embeddingsRegularizer);
    this.#options = options;
    this.autoCast = false;
    this.supportsMasking = this.maskZero;
  }

  /** Creates the layer's weights for the input shape (called once by `apply`). */
  override build(inputShape: Shape): void {
    const length = this.#options.inputLength;
    if (length !== undefined && inputShape[1] !== length) {
      throw new RangeError(
        `Cannot build ${this.name} (Embedding) as the input's sequence length does not match "inputLength": expected ${length}, received shape [${inputShape}]`,
      );
    }
    this.embeddings = this.addWeight("embeddings", [this.inputDim, this.outputDim], {
      initializer: resolveInitializer(this.#options.embeddingsInitializer ?? "uniform"),
      regularizer: this.#options.embeddingsRegularizer,
    });
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const ids = inputs.dtype === "int32" ? inputs : tf.cast(inputs, "int32");
    return lookup(this.embeddings!, ids);
  }

  /** The output's mask for the input and its mask. */
  override computeMask(inputs: tf.Tensor, _mask: tf.Tensor | null): tf.Tensor | null {
    return this.maskZero ? tf.notEqual(inputs, 0) : null;
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape, this.outputDim];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    const o = this.#options;
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: o.embeddingsInitializer ?? "uniform",
      ...(o.embeddingsRegularizer === undefined
        ? {}
        : { embeddingsRegularizer: o.embeddingsRegularizer }),
      ...(o.inputLength === undefined ? {} : { inputLength: o.inputLength }),
      maskZero: this.maskZero,
    };
  }
}

/** Keras's short alias "uniform" (RandomUniform in [-0.05, 0.05]) on top of the engine's names. */
function resolveInitializer(identifier: InitializerLike): Initializer {
  const isUniform = typeof identifier === "string" &&
    normalizeIdentifier(identifier) === "uniform";
  return getInitializer(isUniform ? "random_uniform" : identifier);
}

/**
 * Row lookup whose table gradient is the seam's `gatherGradient`: one
 * scatter-add (duplicates summed) instead of TensorFlow.js's
 * UnsortedSegmentSum gradient, whose CPU kernel loops over every row of the
 * table with tensor ops (minutes per step for a 20000-row table); a backend
 * may write only the touched rows and mark the gradient row-sparse.
 */
const lookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [table, ids, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([ids]);
  return {
    value: tf.gather(table, ids),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [idx] = saved;
      return [fused.gatherGradient(table, idx, dy as tf.Tensor), tf.zerosLike(idx)];
    },
  };
}) as (table: tf.Tensor, ids: tf.Tensor) => tf.Tensor;
