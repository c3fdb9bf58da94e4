/**
 * MultiHeadAttention: Keras 3's multi-head (scaled dot-product) attention,
 * with its weight layout, masks and defaults.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  type InputMasks,
  type InputShapes,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerInputs,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import type { SymbolicInputs, SymbolicTensor } from "../engine/symbolic.ts";
import type { InitializerLike } from "../engine/initializers.ts";
import type { RegularizerLike } from "../engine/regularizers.ts";
import { SeedGenerator } from "../engine/seed_generator.ts";
import { boolean, number, positiveInt } from "../engine/validate.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { EinsumDense } from "./einsum_dense.ts";
import { einsum } from "./_einsum.ts";
import { fused } from "../engine/fused.ts";
import {
  type AttentionCallOptions,
  attentionShapes,
  checkAttentionInputs,
  relaxSequenceAxes,
} from "./_attention.ts";
import {
  attentionEquations,
  attentionMask,
  axesList,
  maskedSoftmax,
  positiveList,
  projectionEquation,
  unknownSizes,
} from "./_multi_head.ts";

/** Options of {@link MultiHeadAttention}. */
export interface MultiHeadAttentionOptions extends LayerOptions {
  /** Size of each head for the value. @default keyDim */
  valueDim?: number | null;
  /** Dropout rate on the attention probabilities, in training. @default 0 */
  dropout?: number;
  /** Whether the projections have biases. @default true */
  useBias?: boolean;
  /** The output's shape after the batch and sequence axes. @default the query's last axis */
  outputShape?: number | number[] | null;
  /**
   * The axes attention runs over (of the query's axes, 1 being the first
   * after the batch axis). @default every axis but the batch and feature axes
   */
  attentionAxes?: number | number[] | null;
  /** Initializer of the four projections' kernels. @default "glorot_uniform" */
  kernelInitializer?: InitializerLike;
  /** Initializer of their biases. @default "zeros" */
  biasInitializer?: InitializerLike;
  /** Penalty on the kernels. */
  kernelRegularizer?: RegularizerLike;
  /** Penalty on the biases. */
  biasRegularizer?: RegularizerLike;
  /** Seed of the dropout's generator. @default drawn from kerno's global generator */
  seed?: number | null;
}

/** Options of {@link MultiHeadAttention}'s `apply`. */
export interface MultiHeadAttentionCallOptions
  extends CallOptions<(tf.Tensor | null)[]>, AttentionCallOptions {
  /**
   * Which query steps may attend to which key steps, `[batch, T, S]`
   * (true or 1: attend); sizes of 1 broadcast, and a heads axis may follow
   * the batch axis. Combined (AND) with the causal mask and the masks found
   * on the inputs (`Embedding({ maskZero })`); symbolic (an `Input`) in a
   * functional model. @default null
   */
  attentionMask?: tf.Tensor | SymbolicTensor | null;
}

/**
 * Keras's `MultiHeadAttention`: the query, key and value are projected to
 * `numHeads` heads (`EinsumDense` kernels `[dim, numHeads, keyDim]`, biases
 * `[numHeads, keyDim]`), each query step attends to the key steps with
 * probabilities `softmax(q·kᵀ / √keyDim)` over the allowed ones, the heads'
 * weighted values are projected back by the output kernel `[numHeads,
 * valueDim, outDim]` (bias `[outDim]`). Called on `[query, value]` (the key
 * is the value) or `[query, value, key]`; a mask found on the query
 * (`Embedding({ maskZero })`) masks its steps and goes on to the output,
 * one on the value (and key) masks the steps attended to. A query step
 * with nothing to attend to gets zero probabilities, so its output is the
 * output bias (Keras's `Softmax` with a mask).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const mha = new layers.MultiHeadAttention(2, 8);
 * const x = tf.randomNormal([4, 10, 16]);
 * const y = mha.apply([x, x], { useCausalMask: true }); // [4, 10, 16]
 * const [out, scores] = mha.apply([x, x], { returnAttentionScores: true }); // scores [4, 2, 10, 10]
 * tf.dispose([x, y, out, scores]);
 * ```
 */
export class MultiHeadAttention extends Layer {
  /** Number of heads. */
  readonly numHeads: number;
  /** Size of each head for the query and key. */
  readonly keyDim: number;
  /** Size of each head for the value. */
  readonly valueDim: number;
  /** Dropout rate on the attention probabilities. */
  readonly dropout: number;
  /** Whether the projections have biases. */
  readonly useBias: boolean;
  /** The attention axes as given (`null`: all but batch and features). */
  readonly attentionAxes: number[] | null;
  /** The fixed seed of the dropout, or `null`. */
  readonly seed: number | null;
  readonly #outputShape: number[] | null;
  readonly #options: MultiHeadAttentionOptions;
  #equations: { dot: string; combine: string; axes: number } | null = null;
  /** The query projection (Keras's attribute name, which `.keras` files use); set by `build`. */
  _query_dense: EinsumDense | null = null;
  /** The key projection; set by `build`. */
  _key_dense: EinsumDense | null = null;
  /** The value projection; set by `build`. */
  _value_dense: EinsumDense | null = null;
  /** The output projection; set by `build`. */
  _output_dense: EinsumDense | null = null;

  /** `fromConfig` passes `numHeads` and `keyDim` positionally. */
  static override positionalArgs: string[] = ["numHeads", "keyDim"];

  /** The keys of {@link MultiHeadAttentionOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "valueDim",
    "dropout",
    "useBias",
    "outputShape",
    "attentionAxes",
    "kernelInitializer",
    "biasInitializer",
    "kernelRegularizer",
    "biasRegularizer",
    "seed",
  ] satisfies (keyof MultiHeadAttentionOptions)[];

  /** The options `apply` takes besides `training` and `mask`. */
  static override callOptionKeys: readonly string[] = [
    "attentionMask",
    "useCausalMask",
    "returnAttentionScores",
  ] satisfies (keyof MultiHeadAttentionCallOptions)[];

  /**
   * Creates the layer.
   *
   * @param numHeads Number of heads: a positive integer.
   * @param keyDim Size of each head for the query and key: a positive integer.
   * @param options Value size, dropout, bias, output shape, attention axes,
   *   initializers, regularizers and seed.
   */
  constructor(numHeads: number, keyDim: number, options: MultiHeadAttentionOptions = {}) {
    const how = "new MultiHeadAttention(numHeads, keyDim, { valueDim, dropout })";
    super(layerOptions("MultiHeadAttention", options, noPositional, how));
    const what = "build MultiHeadAttention";
    this.numHeads = positiveInt(what, "numHeads", numHeads);
    this.keyDim = positiveInt(what, "keyDim", keyDim);
    const valueDim = options.valueDim ?? null;
    this.valueDim = valueDim === null ? this.keyDim : positiveInt(what, "valueDim", valueDim);
    this.dropout = number(what, "dropout", options.dropout ?? 0, { min: 0, max: 1, maxOpen: true });
    this.useBias = boolean(what, "useBias", options.useBias, true);
    this.#outputShape = positiveList(what, "outputShape", options.outputShape);
    this.attentionAxes = axesList(what, options.attentionAxes);
    const seed = options.seed ?? null;
    this.seed = seed === null ? null : number(what, "seed", seed);
    if (this.seed !== null) this.seedGenerator = new SeedGenerator(this.seed);
    this.#options = options;
    this.supportsMasking = true;
  }

  /** The query projection (`EinsumDense`, kernel `[dim, numHeads, keyDim]`); `null` before `build`. */
  get queryDense(): EinsumDense | null {
    return this._query_dense;
  }
  /** The key projection; `null` before `build`. */
  get keyDense(): EinsumDense | null {
    return this._key_dense;
  }
  /** The value projection (kernel `[dim, numHeads, valueDim]`); `null` before `build`. */
  get valueDense(): EinsumDense | null {
    return this._value_dense;
  }
  /** The output projection (kernel `[numHeads, valueDim, ...outputShape]`); `null` before `build`. */
  get outputDense(): EinsumDense | null {
    return this._output_dense;
  }

  /** Creates the four projections from the shapes of `[query, value, key?]`, as Keras does. */
  override build(inputShape: InputShapes): void {
    const [query, value, key = value] = attentionShapes(this, inputShape, false);
    const rank = query.length;
    if (value.length !== rank) {
      throw new RangeError(
        `Cannot build ${this.name} (MultiHeadAttention) as its query and value must have one rank: received [${query}] and [${value}]`,
      );
    }
    const axes = this.#axes(rank);
    // Weights depend only on the feature sizes: the sublayers take any batch and steps.
    const steps = unknownSizes(rank - 1);
    const dense = (name: string, free: number, bound: number, outputs: number[], input: Shape) => {
      const { equation, biasAxes } = projectionEquation(free, bound, outputs.length);
      const layer = new EinsumDense(equation, [...unknownSizes(rank - 2), ...outputs], {
        name,
        biasAxes: this.useBias ? biasAxes : null,
        ...this.#sublayerOptions(),
      });
      layer.buildFromConfig({ inputShape: input });
      return layer;
    };
    const heads = (dim: number) => [this.numHeads, dim];
    const last = (s: Shape) => s[s.length - 1];
    this._query_dense = dense("query", rank - 1, 1, heads(this.keyDim), [...steps, last(query)]);
    this._key_dense = dense("key", rank - 1, 1, heads(this.keyDim), [...steps, last(key)]);
    this._value_dense = dense("value", rank - 1, 1, heads(this.valueDim), [...steps, last(value)]);
    const outDims = this.#outputShape ?? [last(query) as number];
    const projected = [...steps, this.numHeads, this.valueDim];
    this._output_dense = dense("attention_output", rank - 1, 2, outDims, projected);
    const { dot, combine } = attentionEquations(rank + 1, axes);
    this.#equations = { dot, combine, axes: axes.length };
  }

  /** The attention axes for a query of `rank`, checked and made positive. */
  #axes(rank: number): number[] {
    const given = this.attentionAxes;
    if (given === null) return Array.from({ length: rank - 2 }, (_, i) => i + 1);
    const axes = given.map((a) => (a < 0 ? rank + a : a));
    if (axes.some((a) => a < 1 || a > rank - 2) || new Set(axes).size !== axes.length) {
      throw new RangeError(
        `Cannot build ${this.name} (MultiHeadAttention) as "attentionAxes" ${
          JSON.stringify(given)
        } must name distinct axes between the batch and feature axes of a query of rank ${rank} (1 to ${
          rank - 2
        })`,
      );
    }
    return axes;
  }

  #sublayerOptions(): Record<string, unknown> {
    const o = this.#options;
    return {
      kernelInitializer: o.kernelInitializer ?? "glorot_uniform",
      biasInitializer: o.biasInitializer ?? "zeros",
      ...(o.kernelRegularizer === undefined ? {} : { kernelRegularizer: o.kernelRegularizer }),
      ...(o.biasRegularizer === undefined ? {} : { biasRegularizer: o.biasRegularizer }),
    };
  }

  /**
   * Runs the layer; with `returnAttentionScores: true` returns `[output,
   * scores]`, the scores `[batch, numHeads, T, S]` (per attention axis).
   *
   * @param inputs `[query, value]` or `[query, value, key]`.
   * @param options Training, masks, `attentionMask`, `useCausalMask`, `returnAttentionScores`.
   * @returns The output, or `[output, scores]`.
   */
  override apply(
    inputs: tf.Tensor[],
    options: MultiHeadAttentionCallOptions & { returnAttentionScores: true },
  ): [tf.Tensor, tf.Tensor];
  /**
   * Calls the layer on symbolic tensors (the functional API), returning
   * `[output, scores]` with `returnAttentionScores: true`.
   *
   * @param inputs `[query, value]` or `[query, value, key]`, symbolic.
   * @param options `returnAttentionScores: true` and the other call options.
   * @returns The symbolic output and scores.
   */
  override apply(
    inputs: SymbolicTensor[],
    options: MultiHeadAttentionCallOptions & { returnAttentionScores: true },
  ): [SymbolicTensor, SymbolicTensor];
  /**
   * Calls the layer on symbolic tensors (the functional API).
   *
   * @param inputs `[query, value]` or `[query, value, key]`, symbolic.
   * @param options The call options.
   * @returns The symbolic output.
   */
  override apply(inputs: SymbolicInputs, options?: MultiHeadAttentionCallOptions): SymbolicTensor;
  /**
   * Runs the layer on `[query, value]` or `[query, value, key]`.
   *
   * @param inputs The query, value and (optional) key, `[batch, steps, features]`.
   * @param options Training, masks, `attentionMask`, `useCausalMask`.
   * @returns The output, `[batch, T, outputShape]`.
   */
  override apply(inputs: LayerInputs, options?: MultiHeadAttentionCallOptions): tf.Tensor;
  override apply(
    inputs: LayerInputs | SymbolicInputs,
    options: MultiHeadAttentionCallOptions = {},
  ): tf.Tensor | SymbolicTensor | [tf.Tensor, tf.Tensor] | [SymbolicTensor, SymbolicTensor] {
    return super.apply(inputs as LayerInputs, options as CallOptions<InputMasks>);
  }

  /** The attention itself, on `[query, value, key?]`. */
  override call(inputs: tf.Tensor[], options: MultiHeadAttentionCallOptions): tf.Tensor {
    relaxSequenceAxes(this);
    checkAttentionInputs(this, inputs);
    const what = `apply ${this.name}`;
    const causal = boolean(what, "useCausalMask", options.useCausalMask, false);
    const withScores = boolean(what, "returnAttentionScores", options.returnAttentionScores, false);
    const [query, value, key = value] = inputs;
    const { dot, combine, axes } = this.#equations!;
    const scale = 1 / Math.sqrt(this.keyDim);
    const sources = { masks: options.mask, attentionMask: options.attentionMask, causal };
    const dropping = options.training === true && this.dropout > 0;
    const plainCore = axes === 1 && !withScores && !dropping;
    if (plainCore && query === value && key === value) {
      // Self-attention: the three projections as one product (PyTorch's packed
      // input projection), the heads read from it where they lie.
      const qkv = this.#projectTogether(query);
      if (qkv !== null) {
        const [batch, time, , heads] = qkv.shape;
        const mask = attentionMask(this, inputs, [batch, heads, time, time], axes, sources);
        const keep = mask === null ? null : tf.cast(mask, "float32") as tf.Tensor4D;
        return this._output_dense!.apply(fused.packedSelfAttention(qkv, keep, scale));
      }
    }
    const projected = this._query_dense!.apply(query);
    const k = this._key_dense!.apply(key);
    const v = this._value_dense!.apply(value);
    if (projected.rank === 4 && plainCore) {
      // The usual case, [batch, steps, heads, dim]: the seam's attention (no transposes on kerno's backend).
      const [batch, time, heads] = projected.shape;
      const mask = attentionMask(this, inputs, [batch, heads, time, k.shape[1]!], axes, sources);
      const keep = mask === null ? null : tf.cast(mask, "float32") as tf.Tensor4D;
      const attended = fused.dotProductAttention(
        projected as tf.Tensor4D,
        k as tf.Tensor4D,
        v as tf.Tensor4D,
        keep,
        scale,
      );
      return this._output_dense!.apply(attended);
    }
    const q = tf.mul(projected, scale);
    const scores = einsum(dot, k, q); // [batch..., heads, T..., S...]
    const mask = attentionMask(this, inputs, scores.shape, axes, sources);
    const probs = maskedSoftmax(scores, mask, axes);
    const dropped = options.training && this.dropout > 0
      ? tf.dropout(probs, this.dropout, undefined, this.seedGenerator.next())
      : probs;
    const output = this._output_dense!.apply(einsum(combine, dropped, v));
    // Layer.apply passes a call's array of outputs on as it is.
    return withScores ? [output, probs] as unknown as tf.Tensor : output;
  }

  /**
   * The query, key and value projections of one `[batch, steps, features]`
   * input as a single product with their kernels side by side, reshaped to
   * `[batch, steps, 3, heads, dim]`; `null` where they do not line up
   * (another rank, a value size unlike the key's).
   */
  #projectTogether(x: tf.Tensor): tf.Tensor5D | null {
    const denses = [this._query_dense!, this._key_dense!, this._value_dense!];
    if (x.rank !== 3 || this.valueDim !== this.keyDim) return null;
    const [batch, time, features] = x.shape;
    const [heads, dim] = [this.numHeads, this.keyDim];
    const lined = denses.every((d) =>
      d.kernel !== null && d.kernel.rank === 3 && d.kernel.shape[0] === features &&
      d.kernel.shape[1] === heads && d.kernel.shape[2] === dim &&
      (d.bias === null ? !this.useBias : d.bias.size === heads * dim)
    );
    if (!lined) return null;
    const width = heads * dim;
    const kernel = tf.concat(denses.map((d) => tf.reshape(d.kernel!, [features, width])), 1);
    const bias = this.useBias
      ? tf.concat(denses.map((d) => tf.reshape(d.bias!, [width])), 0) as tf.Tensor1D
      : null;
    const flat = tf.reshape(x, [batch * time, features]) as tf.Tensor2D;
    const y = fused.denseBiasActivation(flat, kernel as tf.Tensor2D, bias, "linear");
    return tf.reshape(y, [batch, time, 3, heads, dim]) as tf.Tensor5D;
  }

  /** The query's mask goes on to the output, as in Keras. */
  override computeMask(_inputs: LayerInputs, mask: InputMasks): tf.Tensor | null {
    return Array.isArray(mask) ? (mask[0] ?? null) : null;
  }

  /** The output shape: the query's, with `outputShape` (or the query's features) last. */
  override computeOutputShape(inputShape: InputShapes): Shape {
    const [query] = attentionShapes(this, inputShape, false);
    return [null, ...query.slice(1, -1), ...(this.#outputShape ?? [query[query.length - 1]])];
  }

  /** The constructor's arguments and options, with defaults filled in (Keras's names, camelCase). */
  override getConfig(): Record<string, unknown> {
    const o = this.#options;
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      dropout: this.dropout,
      useBias: this.useBias,
      outputShape: this.#outputShape === null ? null : [...this.#outputShape],
      attentionAxes: this.attentionAxes === null ? null : [...this.attentionAxes],
      kernelInitializer: o.kernelInitializer ?? "glorot_uniform",
      biasInitializer: o.biasInitializer ?? "zeros",
      ...(o.kernelRegularizer === undefined ? {} : { kernelRegularizer: o.kernelRegularizer }),
      ...(o.biasRegularizer === undefined ? {} : { biasRegularizer: o.biasRegularizer }),
      seed: this.seed,
    };
  }
}
