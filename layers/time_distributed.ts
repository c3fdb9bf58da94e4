/**
 * TimeDistributed: applies a layer to every time step of a sequence.
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
import { describe, formatShape } from "../engine/format.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { deserializeLayer, serializeLayer } from "./_nested_layer.ts";
import { buildChild } from "./stacked_rnn_cells.ts";
import * as builtin from "./mod.ts";

/**
 * Applies one layer (one set of weights) to every step of
 * `[batch, time, …]`: the steps are folded into the batch
 * (`[batch·time, …]`), the layer runs once, and the time axis is unfolded
 * from its output. A mask over `[batch, time]` passes through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const td = new layers.TimeDistributed(new layers.Dense(4));
 * const y = td.apply(tf.ones([2, 5, 3])); // [2, 5, 4]
 * y.dispose();
 * ```
 */
export class TimeDistributed extends Layer {
  /** The layer applied at each step. */
  readonly layer: Layer;

  /** `fromConfig` passes `layer` positionally. */
  static override positionalArgs: string[] = ["layer"];

  /** The keys of its options: the common layer options. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /**
   * Creates the wrapper.
   *
   * @param layer The layer to apply at each step.
   * @param options Name, trainability, a first layer's input shape.
   */
  constructor(layer: Layer, options: LayerOptions = {}) {
    super(layerOptions("TimeDistributed", options, noPositional, "new TimeDistributed(layer)"));
    if (!(layer instanceof Layer)) {
      throw new TypeError(
        `Cannot build TimeDistributed as "layer" must be a layer: received ${describe(layer)}`,
      );
    }
    this.layer = layer;
    this.supportsMasking = true;
  }

  /** Builds the layer for one step's shape, `[batch, …]`. */
  override build(inputShape: Shape): void {
    buildChild(this.layer, this.#stepShape(inputShape));
  }

  #stepShape(inputShape: Shape): Shape {
    if (inputShape.length < 3) {
      throw new RangeError(
        `Cannot build ${this.name} (TimeDistributed) as its input must have rank 3 or more, [batch, time, …]: received ${
          formatShape(inputShape)
        }`,
      );
    }
    return [null, ...inputShape.slice(2)];
  }

  /**
   * Any number of time steps fits once built (a declared `inputShape` is
   * checked in full on the first call).
   */
  protected override checkInputShape(actual: number[], expected: Shape | null): void {
    const free = expected && expected !== this.batchInputShape
      ? expected.map((d, i) => (i === 1 ? null : d))
      : expected;
    super.checkInputShape(actual, free);
  }

  /** The layer on every step at once. */
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    const [batch, time, ...rest] = inputs.shape;
    const mask = options.mask;
    if (mask && (mask.shape[0] !== batch || mask.shape[1] !== time)) {
      throw new RangeError(
        `Cannot apply ${this.name} (TimeDistributed) as the mask must have shape [batch, time] = [${batch}, ${time}]: received [${mask.shape}]`,
      );
    }
    const y = this.layer.apply(tf.reshape(inputs, [batch * time, ...rest]), {
      training: options.training,
    });
    if (!(y instanceof tf.Tensor)) {
      throw new TypeError(
        `Cannot apply ${this.name} (TimeDistributed) as its layer ${this.layer.name} returned several outputs: it must return one tensor`,
      );
    }
    return tf.reshape(y, [batch, time, ...y.shape.slice(1)]);
  }

  /** `[null, time, …]` with the layer's output shape for one step. */
  override computeOutputShape(inputShape: Shape): Shape {
    const step = this.layer.computeOutputShape(this.#stepShape(inputShape));
    return [null, inputShape[1], ...step.slice(1)];
  }

  /** The layer's `{ className, config }`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: serializeLayer(this.layer) };
  }

  /**
   * Rebuilds the wrapper from `getConfig()`'s output; `layer` is a layer or
   * the `{ className, config }` of a built-in one.
   *
   * @param config The configuration.
   * @returns A new, unbuilt layer.
   */
  static override fromConfig<T extends Layer>(
    this: { new (...args: never[]): T; positionalArgs: string[] },
    config: Record<string, unknown>,
  ): T {
    const { layer, ...rest } = config;
    const inner = deserializeLayer("rebuild TimeDistributed", "layer", layer, { ...builtin });
    return new TimeDistributed(inner, rest as LayerOptions) as unknown as T;
  }
}
