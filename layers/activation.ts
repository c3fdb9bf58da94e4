/**
 * Activation: applies an activation function as a layer of its own.
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
import {
  type Activation as ActivationFn,
  activationName,
  getActivation,
} from "../engine/activations.ts";
import { reject } from "../engine/validate.ts";

/**
 * Applies `activation` element-wise (softmax along the last axis). Masks
 * pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.tensor1d([-1, 2]);
 * const y = new layers.Activation("relu").apply(x); // [0, 2]
 * tf.dispose([x, y]);
 * ```
 */
export class Activation extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** The name (or function) given at construction. */
  readonly activation: string | ActivationFn;
  readonly #fn: ActivationFn;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["activation"];

  /** The keys of {@link None}. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /**
   * Creates an Activation layer.
   *
   * @param activation A Keras activation name (`"relu"`, `"softmax"`, …) or a function.
   * @param options The base layer's options.
   */
  constructor(activation: string | ActivationFn, options: LayerOptions = {}) {
    super(layerOptions("Activation", options, noPositional, 'new Activation("relu", { name })'));
    if (typeof activation !== "string" && typeof activation !== "function") {
      reject("build Activation", "activation", activation, "an activation name or a function");
    }
    this.#fn = getActivation(activation);
    this.activation = activation;
    this.supportsMasking = true;
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const y = this.#fn(inputs);
    // Never hand back the input itself (e.g. "linear"): callers own the output.
    return y === inputs ? tf.clone(inputs) : y;
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: activationName(this.activation) };
  }
}
