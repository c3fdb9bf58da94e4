/**
 * Dense: the fully connected layer, `activation(x · kernel + bias)`.
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
import { type Activation, activationName, getActivation } from "../engine/activations.ts";
import type { InitializerLike } from "../engine/initializers.ts";
import type { RegularizerLike } from "../engine/regularizers.ts";
import { boolean, positiveInt } from "../engine/validate.ts";
import { fused } from "../engine/fused.ts";
import { layerOptions } from "./_checks.ts";

/** Options of {@link Dense}. */
export interface DenseOptions extends LayerOptions {
  /** Activation applied to the output. @default "linear" */
  activation?: string | Activation;
  /** Whether to add a bias vector. @default true */
  useBias?: boolean;
  /** Initializer of the kernel. @default "glorot_uniform" */
  kernelInitializer?: InitializerLike;
  /** Initializer of the bias. @default "zeros" */
  biasInitializer?: InitializerLike;
  /** Penalty on the kernel. */
  kernelRegularizer?: RegularizerLike;
  /** Penalty on the bias. */
  biasRegularizer?: RegularizerLike;
}

/**
 * A densely connected layer. Inputs of rank above 2 are transformed along
 * their last axis.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const dense = new layers.Dense(4, { activation: "relu" });
 * const y = dense.apply(tf.ones([2, 3])); // shape [2, 4]
 * y.dispose();
 * ```
 */
export class Dense extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** Size of the output's last axis. */
  readonly units: number;
  readonly #options: DenseOptions;
  readonly #activation: Activation;
  /** The weight matrix, `[inputDim, units]`; set by `build`. */
  kernel: tf.Variable | null = null;
  /** The bias vector, `[units]`; set by `build` when `useBias`. */
  bias: tf.Variable | null = null;

  /** `fromConfig` passes `units` positionally. */
  static override positionalArgs: string[] = ["units"];

  /** The keys of {@link DenseOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "activation",
    "useBias",
    "kernelInitializer",
    "biasInitializer",
    "kernelRegularizer",
    "biasRegularizer",
  ] satisfies (keyof DenseOptions)[];

  /**
   * Creates the layer: `units` outputs, with activation, bias, initializers and regularizers from `options`.
   * @param units Output size: a positive integer.
   * @param options Activation, bias, initializers and regularizers; or, as Keras's
   *   `Dense(10, "softmax")`, the activation alone.
   */
  constructor(units: number, options: DenseOptions | string | Activation = {}) {
    const o = layerOptions<DenseOptions>(
      "Dense",
      options,
      (v) =>
        typeof v === "string" || typeof v === "function" ? { activation: v as string } : undefined,
      'new Dense(units, { activation: "relu" })',
    );
    super(o);
    this.units = positiveInt("build Dense", "units", units);
    this.#options = o;
    this.#activation = getActivation(o.activation);
    boolean("build Dense", "useBias", o.useBias, true);
    this.supportsMasking = true;
  }

  /** Creates the kernel `[inputDim, units]` and the bias `[units]`. */
  override build(inputShape: Shape): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (inputDim === null || inputShape.length < 2) {
      throw new RangeError(
        `Cannot build ${this.name} (Dense) as its input needs a known last axis and rank of at least 2: received [${inputShape}]`,
      );
    }
    const o = this.#options;
    this.kernel = this.addWeight("kernel", [inputDim, this.units], {
      initializer: o.kernelInitializer ?? "glorot_uniform",
      regularizer: o.kernelRegularizer,
    });
    if (o.useBias ?? true) {
      this.bias = this.addWeight("bias", [this.units], {
        initializer: o.biasInitializer ?? "zeros",
        regularizer: o.biasRegularizer,
      });
    }
  }

  /** Computes `activation(inputs · kernel + bias)` along the last axis. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const shape = inputs.shape;
    const flat = shape.length === 2
      ? inputs as tf.Tensor2D
      : tf.reshape(inputs, [-1, shape[shape.length - 1]]) as tf.Tensor2D;
    const name = activationName(this.#options.activation);
    let y: tf.Tensor;
    if (name === "relu" || name === "linear") {
      // Product, bias and activation as one operation, which a backend may fuse.
      const bias = this.bias as tf.Tensor1D | null;
      y = fused.denseBiasActivation(flat, this.kernel as tf.Tensor2D, bias, name);
    } else {
      y = tf.matMul(flat, this.kernel as tf.Tensor2D);
      if (this.bias) y = tf.add(y, this.bias);
      y = this.#activation(y);
    }
    return shape.length === 2 ? y : tf.reshape(y, [...shape.slice(0, -1), this.units]);
  }

  /** The input's shape with its last axis replaced by `units`. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0] ?? null, ...inputShape.slice(1, -1), this.units];
  }

  /** The constructor's options, with defaults filled in. */
  override getConfig(): Record<string, unknown> {
    const o = this.#options;
    return {
      ...super.getConfig(),
      units: this.units,
      activation: activationName(o.activation),
      useBias: o.useBias ?? true,
      kernelInitializer: o.kernelInitializer ?? "glorot_uniform",
      biasInitializer: o.biasInitializer ?? "zeros",
      ...(o.kernelRegularizer === undefined ? {} : { kernelRegularizer: o.kernelRegularizer }),
      ...(o.biasRegularizer === undefined ? {} : { biasRegularizer: o.biasRegularizer }),
    };
  }
}
