/**
 * BaseGlobalPooling: what the global pooling layers share (reduction over
 * every spatial axis, `keepdims`, `dataFormat`, output shape), for 1, 2 and
 * 3 spatial axes.
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
import { checkSpatialRank, type DataFormat, dataFormatOption, spatialAxes } from "./_reshaping.ts";
import { boolean } from "../engine/validate.ts";

/** Options of the global pooling layers. */
export interface GlobalPoolingOptions extends LayerOptions {
  /** Keep the pooled axes with length 1 instead of removing them. @default false */
  keepdims?: boolean;
  /**
   * Where the channels are: `"channels_last"` (`[batch, ...spatial,
   * channels]`) or `"channels_first"` (`[batch, channels, ...spatial]`).
   * @default "channels_last"
   */
  dataFormat?: DataFormat;
}

/** The shared part of the global pooling layers; subclasses pick rank and reduction. */
export abstract class BaseGlobalPooling extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** Whether the pooled axes are kept with length 1. */
  readonly keepdims: boolean;
  /** Where the channels are. */
  readonly dataFormat: DataFormat;
  readonly #rank: 1 | 2 | 3;
  readonly #kind: "max" | "avg";

  /** The keys of {@link GlobalPoolingOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "keepdims",
    "dataFormat",
  ] satisfies (keyof GlobalPoolingOptions)[];

  /**
   * Creates a BaseGlobalPooling layer.
   *
   * @param rank Number of spatial axes.
   * @param kind The reduction.
   * @param options `keepdims`, `dataFormat`.
   */
  constructor(rank: 1 | 2 | 3, kind: "max" | "avg", options: GlobalPoolingOptions = {}) {
    super(
      layerOptions(
        new.target.name,
        options,
        noPositional,
        `new ${new.target.name}({ keepdims: true, dataFormat: "channels_first" })`,
      ),
    );
    this.#rank = rank;
    this.#kind = kind;
    const what = `build ${this.constructor.name}`;
    this.keepdims = boolean(what, "keepdims", options.keepdims, false);
    this.dataFormat = dataFormatOption(what, options.dataFormat);
  }

  /** The spatial axes reduced. */
  protected get axes(): number[] {
    return spatialAxes(this.#rank, this.dataFormat);
  }

  /** Checks the input's rank (called once by `apply`). */
  override build(inputShape: Shape): void {
    checkSpatialRank(this, inputShape, this.#rank, this.dataFormat);
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
    const first = this.dataFormat === "channels_first";
    const channels = inputShape[first ? 1 : inputShape.length - 1];
    const kept = this.keepdims ? this.axes.map(() => 1) : [];
    return first
      ? [inputShape[0] ?? null, channels, ...kept]
      : [inputShape[0] ?? null, ...kept, channels];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), keepdims: this.keepdims, dataFormat: this.dataFormat };
  }
}
