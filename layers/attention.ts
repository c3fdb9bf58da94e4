/**
 * Attention: Keras 3's dot-product (Luong-style) attention layer, the base
 * of `AdditiveAttention`.
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
import { SeedGenerator } from "../engine/seed_generator.ts";
import { boolean, number, oneOf } from "../engine/validate.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import {
  type AttentionCallOptions,
  attentionShapes,
  causalMask,
  checkAttentionInputs,
  inputMasks,
  layerLabel,
  relaxSequenceAxes,
} from "./_attention.ts";

/** Options of {@link Attention}. */
export interface AttentionOptions extends LayerOptions {
  /** Whether to learn a scalar that scales the scores (`scale`, from 1). @default false */
  useScale?: boolean;
  /**
   * How scores are computed: `"dot"`, `query · keyᵀ`; `"concat"`,
   * `Σ tanh(query + key)` times a learned scalar. @default "dot"
   */
  scoreMode?: "dot" | "concat";
  /** Dropout rate on the attention probabilities, in training. @default 0 */
  dropout?: number;
  /** Seed of the dropout's generator. @default drawn from kerno's global generator */
  seed?: number | null;
}

/** Options of `apply` of {@link Attention} and {@link AdditiveAttention}. */
export interface AttentionApplyOptions
  extends CallOptions<(tf.Tensor | null)[]>, AttentionCallOptions {}

/** Keras's bias that keeps masked steps out of the softmax. */
const MASKED = 1e9;

/**
 * Keras's `Attention` (dot-product, or Luong-style, attention) on
 * `[query, value]` or `[query, value, key]` (the key defaults to the
 * value), each `[batch, steps, features]`: scores `query · keyᵀ` (times the
 * learned `scale` with `useScale`; or, with `scoreMode: "concat"`,
 * `concatScoreWeight · Σ tanh(scale · (query + key))`), a softmax over the
 * value steps, and the probabilities' weighted sum of the value,
 * `[batch, Tq, valueFeatures]`. Masks (`Embedding({ maskZero })`, or
 * `mask: [queryMask, valueMask]`): masked value steps get no weight (as in
 * Keras, their scores are lowered by 1e9; a query step whose value steps
 * are all masked thus averages them all), masked query steps output zeros,
 * and the query's mask goes on to the output.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const query = tf.randomNormal([2, 3, 4]);
 * const value = tf.randomNormal([2, 5, 4]);
 * const attention = new layers.Attention();
 * const y = attention.apply([query, value]); // [2, 3, 4]
 * const [out, scores] = attention.apply([query, value], { returnAttentionScores: true }); // scores [2, 3, 5]
 * tf.dispose([query, value, y, out, scores]);
 * ```
 */
export class Attention extends Layer {
  /** Whether the scores are scaled by a learned weight. */
  readonly useScale: boolean;
  /** How the scores are computed. */
  readonly scoreMode: "dot" | "concat";
  /** Dropout rate on the attention probabilities. */
  readonly dropout: number;
  /** The fixed seed of the dropout, or `null`. */
  readonly seed: number | null;
  /** The learned scale (a scalar; `[features]` in `AdditiveAttention`); set by `build` with `useScale`. */
  scale: tf.Variable | null = null;
  /** The learned multiplier of `"concat"` scores; set by `build` in that mode. */
  concatScoreWeight: tf.Variable | null = null;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];

  /** The keys of {@link AttentionOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "useScale",
    "scoreMode",
    "dropout",
    "seed",
  ] satisfies (keyof AttentionOptions)[];

  /** The options `apply` takes besides `training` and `mask`. */
  static override callOptionKeys: readonly string[] = [
    "returnAttentionScores",
    "useCausalMask",
  ] satisfies (keyof AttentionCallOptions)[];

  /**
   * Creates the layer.
   *
   * @param options `useScale`, `scoreMode`, `dropout` and `seed`.
   */
  constructor(options: AttentionOptions = {}) {
    const cls = new.target.name;
    super(layerOptions(cls, options, noPositional, `new ${cls}({ useScale: true, dropout: 0.1 })`));
    const what = `build ${cls}`;
    this.useScale = boolean(what, "useScale", options.useScale, false);
    this.scoreMode = oneOf(what, "scoreMode", options.scoreMode ?? "dot", ["dot", "concat"]);
    this.dropout = number(what, "dropout", options.dropout ?? 0, { min: 0, max: 1, maxOpen: true });
    const seed = options.seed ?? null;
    this.seed = seed === null ? null : number(what, "seed", seed);
    if (this.seed !== null) this.seedGenerator = new SeedGenerator(this.seed);
    this.supportsMasking = true;
  }

  /** Checks the inputs and creates `scale` (`useScale`) and `concatScoreWeight` (`"concat"`). */
  override build(inputShape: InputShapes): void {
    this.checkShapes(inputShape);
    if (this.useScale) this.scale = this.addWeight("scale", [], { initializer: "ones" });
    if (this.scoreMode === "concat") {
      this.concatScoreWeight = this.addWeight("concat_score_weight", [], { initializer: "ones" });
    }
  }

  /**
   * Checks `[query, value, key?]`: rank 3 each, and the query and key of
   * one feature size (their scores are a product or a sum of the two).
   *
   * @param inputShape What `build` received.
   * @returns The shapes.
   */
  protected checkShapes(inputShape: InputShapes): Shape[] {
    const shapes = attentionShapes(this, inputShape, true);
    const [query, , key = shapes[1]] = shapes;
    if (query[2] !== key[2]) {
      throw new RangeError(
        `Cannot apply ${
          layerLabel(this)
        } as its query and key must have one feature size: received query (None, ${query[1]}, ${
          query[2]
        }) and key (None, ${key[1]}, ${key[2]})`,
      );
    }
    return shapes;
  }

  /**
   * The scores `[batch, Tq, Tv]` of a query and a key.
   *
   * @param query `[batch, Tq, dim]`.
   * @param key `[batch, Tv, dim]`.
   * @returns The scores.
   */
  protected calculateScores(query: tf.Tensor, key: tf.Tensor): tf.Tensor {
    if (this.scoreMode === "dot") {
      const scores = tf.matMul(query, key, false, true);
      return this.scale ? tf.mul(scores, this.scale) : scores;
    }
    let sum = tf.add(tf.expandDims(query, -2), tf.expandDims(key, -3)); // [batch, Tq, Tv, dim]
    if (this.scale) sum = tf.mul(this.scale, sum);
    return tf.mul(this.concatScoreWeight!, tf.sum(tf.tanh(sum), -1));
  }

  /**
   * Runs the layer; with `returnAttentionScores: true` returns `[output,
   * scores]`, the scores `[batch, Tq, Tv]`.
   *
   * @param inputs `[query, value]` or `[query, value, key]`.
   * @param options Training, masks, `useCausalMask`, `returnAttentionScores`.
   * @returns The output and the scores.
   */
  override apply(
    inputs: tf.Tensor[],
    options: AttentionApplyOptions & { returnAttentionScores: true },
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
    options: AttentionApplyOptions & { returnAttentionScores: true },
  ): [SymbolicTensor, SymbolicTensor];
  /**
   * Calls the layer on symbolic tensors (the functional API).
   *
   * @param inputs `[query, value]` or `[query, value, key]`, symbolic.
   * @param options The call options.
   * @returns The symbolic output.
   */
  override apply(inputs: SymbolicInputs, options?: AttentionApplyOptions): SymbolicTensor;
  /**
   * Runs the layer on `[query, value]` or `[query, value, key]`.
   *
   * @param inputs The query, value and (optional) key, `[batch, steps, features]`.
   * @param options Training, masks, `useCausalMask`.
   * @returns The output, `[batch, Tq, valueFeatures]`.
   */
  override apply(inputs: LayerInputs, options?: AttentionApplyOptions): tf.Tensor;
  override apply(
    inputs: LayerInputs | SymbolicInputs,
    options: AttentionApplyOptions = {},
  ): tf.Tensor | SymbolicTensor | [tf.Tensor, tf.Tensor] | [SymbolicTensor, SymbolicTensor] {
    return super.apply(inputs as LayerInputs, options as CallOptions<InputMasks>);
  }

  /** The attention itself, on `[query, value, key?]`. */
  override call(inputs: tf.Tensor[], options: AttentionApplyOptions): tf.Tensor {
    relaxSequenceAxes(this);
    checkAttentionInputs(this, inputs);
    const what = `apply ${this.name}`;
    const causal = boolean(what, "useCausalMask", options.useCausalMask, false);
    const withScores = boolean(what, "returnAttentionScores", options.returnAttentionScores, false);
    const [query, value, key = value] = inputs;
    const [queryMask, valueMask] = inputMasks(this, options.mask, inputs);
    let scores = this.calculateScores(query, key);
    let keep: tf.Tensor | null = valueMask === null ? null : tf.expandDims(valueMask, -2);
    if (causal) {
      const [, tq, tv] = scores.shape as number[];
      const lower = causalMask(tq, tv);
      keep = keep === null ? lower : tf.logicalAnd(tf.cast(keep, "bool"), lower);
    }
    if (keep !== null) {
      const masked = tf.sub(1, tf.cast(tf.cast(keep, "bool"), "float32"));
      scores = tf.sub(scores, tf.mul(masked, MASKED));
    }
    let weights = tf.softmax(scores);
    if (options.training && this.dropout > 0) {
      weights = tf.dropout(weights, this.dropout, undefined, this.seedGenerator.next());
    }
    let output = tf.matMul(weights, value);
    if (queryMask !== null) {
      output = tf.where(
        tf.expandDims(tf.cast(queryMask, "bool"), -1),
        output,
        tf.zerosLike(output),
      );
    }
    // Layer.apply passes a call's array of outputs on as it is.
    return withScores ? [output, weights] as unknown as tf.Tensor : output;
  }

  /** The query's mask goes on to the output, as in Keras. */
  override computeMask(_inputs: LayerInputs, mask: InputMasks): tf.Tensor | null {
    return Array.isArray(mask) ? (mask[0] ?? null) : null;
  }

  /** The output shape: the query's steps, the value's features. */
  override computeOutputShape(inputShape: InputShapes): Shape {
    const [query, value] = this.checkShapes(inputShape);
    return [null, query[1], value[2]];
  }

  /** The constructor's options, with defaults filled in (Keras's names, camelCase). */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      useScale: this.useScale,
      scoreMode: this.scoreMode,
      dropout: this.dropout,
      seed: this.seed,
    };
  }
}
