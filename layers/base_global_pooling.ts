/**
 * BaseGlobalPooling: what the global pooling layers share (reduction over
 * every spatial axis, `keepdims`, output shape). Channels-last only.
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
import { checkPoolingRank, layerOptions, noPositional } from "./_checks.ts";
import { boolean } from "../engine/validate.ts";

/** Options of the global pooling layers. */
export interface GlobalPoolingOptions extends LayerOptions {
  /** Keep the pooled axes with length 1 instead of removing them. @default false */
  keepdims?: boolean;
}

/** The shared part of the global pooling layers; subclasses pick rank and reduction. */
export abstract class BaseGlobalPooling extends Layer {
  /** Whether the pooled axes are kept with length 1. */
  readonly keepdims: boolean;
  readonly #rank: 1 | 2;
  readonly #kind: "max" | "avg";

  /** The keys of {@link GlobalPoolingOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "keepdims",
  ] satisfies (keyof GlobalPoolingOptions)[];

  /**
   * Creates a BaseGlobalPooling layer.
   *
   * @param rank Number of spatial axes.
   * @param kind The reduction.
   * @param options `keepdims`.
   */
  constructor(rank: 1 | 2, kind: "max" | "avg", options: GlobalPoolingOptions = {}) {
    super(
      layerOptions(
        new.target.name,
        options,
        noPositional,
        `new ${new.target.name}({ keepdims: true })` + " (kerno is channels-last only)",
      ),
    );
    this.#rank = rank;
    this.#kind = kind;
    this.keepdims = boolean(`build ${this.constructor.name}`, "keepdims", options.keepdims, false);
  }

  /** The spatial axes reduced. */
  protected get axes(): number[] {
    return this.#rank === 1 ? [1] : [1, 2];
  }

  /** Creates the layer's weights for the input shape (called once by `apply`). */
  override build(inputShape: Shape): void {
    checkPoolingRank(this, inputShape, this.#rank);
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    return this.#kind === "max"
      ? tf.max(inputs, this.axes, this.keepdims)
      : tf.mean(inputs, this.axes, this.keepdims);
  }

  /** The pooled output has no steps left to mask. */
  override computeMask(_inputs: tf.Tensor, _mask: tf.Tensor | null): tf.Tensor | null {
    return null;
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    const channels = inputShape[inputShape.length - 1];
    const kept = this.keepdims ? this.axes.map(() => 1) : [];
    return [inputShape[0] ?? null, ...kept, channels];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), keepdims: this.keepdims };
  }
}
