/**
 * `Sequential`: a plain stack of layers, each feeding the next.
 *
 * @module
 */
import { tf } from "./tf.ts";
import {
  type CallOptions,
  describe,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerOptions,
} from "./layer.ts";
import { Model } from "./model.ts";

/**
 * A model that applies its layers in order. When the first layer has an
 * `inputShape`, the model is built at once (so `summary()` works before
 * training); otherwise at its first call.
 *
 * @example
 * ```ts
 * import { layers, Sequential } from "../mod.ts";
 * const model = new Sequential([
 *   new layers.Dense(8, { activation: "relu", inputShape: [4] }),
 *   new layers.Dense(1, { activation: "sigmoid" }),
 * ]);
 * model.summary();
 * ```
 */
export class Sequential extends Model {
  #layers: Layer[] = [];

  /** The keys of `LayerOptions`: a model's own options. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /**
   * Creates a stack of `layers` (first to last) with the given name and trainability.
   * @param layers The layers, first to last.
   * @param options Name and trainability.
   */
  constructor(layers: Layer[] = [], options: LayerOptions = {}) {
    super(options);
    if (!Array.isArray(layers)) {
      throw new TypeError(
        `Cannot create Sequential as "layers" must be an array of layers: received ${
          describe(layers)
        }`,
      );
    }
    for (const layer of layers) this.add(layer);
  }

  /** The layers, first to last. */
  override get layers(): Layer[] {
    return [...this.#layers];
  }

  /** The layers, first to last (what the weights are collected from). */
  override get trackedLayers(): Layer[] {
    return [...this.#layers];
  }

  /**
   * Appends a layer.
   *
   * @param layer The layer.
   */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) {
      throw new TypeError(
        `Cannot add to ${this.name} as "layer" must be a Layer: received ${describe(layer)}`,
      );
    }
    if (this.#layers.includes(layer)) {
      throw new TypeError(`Cannot add ${layer.name} to ${this.name} twice`);
    }
    if (this.#layers.length > 0 && layer.batchInputShape) {
      throw new TypeError(
        `Cannot add ${layer.name} with an "inputShape" to ${this.name}: only the first layer takes one`,
      );
    }
    this.#layers.push(layer);
    const first = this.#layers[0].batchInputShape;
    if (first) this.#buildFrom(first);
  }

  /**
   * Removes the last layer.
   *
   * @returns The removed layer.
   */
  pop(): Layer {
    const layer = this.#layers.pop();
    if (!layer) throw new RangeError(`Cannot pop from ${this.name} as it has no layers`);
    return layer;
  }

  #buildFrom(inputShape: (number | null)[]): void {
    tf.tidy(() => {
      let x = tf.zeros(inputShape.map((d) => d ?? 1));
      for (const layer of this.#layers) x = layer.apply(x);
    });
    if (inputShape.slice(1).includes(null)) this.#markUnknownAxes(inputShape);
    this.buildInputShape = inputShape;
    this.built = true;
    const last = this.#layers[this.#layers.length - 1];
    this.outputShape = last.outputShape;
  }

  /**
   * With unknown (`null`) axes in the input shape, runs the layers once more
   * with another size there: an axis whose size follows the input's is
   * unknown (`null`) in each layer's input and output shape, so later
   * inputs of any size there fit. A stack that cannot take another size
   * (a Dense after a Flatten of unknown length) keeps the first sizes.
   */
  #markUnknownAxes(inputShape: (number | null)[]): void {
    const first = this.#layers.map((l) => ({ input: l.buildInputShape, output: l.outputShape }));
    const merge = (a: (number | null)[] | null, b: number[]) =>
      a && a.map((d, i) => (i === 0 || d === b[i] ? d : null));
    try {
      tf.tidy(() => {
        let x = tf.zeros(inputShape.map((d) => d ?? 2));
        for (const [i, layer] of this.#layers.entries()) {
          layer.buildInputShape = merge(first[i].input, x.shape);
          x = layer.apply(x);
          layer.outputShape = merge(first[i].output, x.shape);
        }
      });
    } catch {
      this.#layers.forEach((layer, i) => {
        layer.buildInputShape = first[i].input;
        layer.outputShape = first[i].output;
      });
    }
  }

  /** Applies the layers in order, passing any mask along. */
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    if (this.#layers.length === 0) {
      throw new TypeError(`Cannot call ${this.name} as it has no layers: add some first`);
    }
    let x = inputs;
    this.#layers.forEach((layer, i) => {
      x = layer.apply(x, i === 0 && options.mask ? options : { training: options.training });
    });
    return x;
  }

  /** The configuration: the base options plus each layer's class name and config. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      layers: this.#layers.map((l) => ({ className: l.constructor.name, config: l.getConfig() })),
    };
  }
}
