/**
 * EinsumDense: a dense layer whose product is an einsum equation, Keras's
 * building block of `MultiHeadAttention`.
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
import {
  getInitializer,
  type Initializer,
  type InitializerLike,
  VarianceScaling,
} from "../engine/initializers.ts";
import type { RegularizerLike } from "../engine/regularizers.ts";
import { reject } from "../engine/validate.ts";
import { layerOptions } from "./_checks.ts";
import { einsum } from "./_einsum.ts";
import { fused } from "../engine/fused.ts";
import { analyzeEinsum, type EinsumShapes, splitEquation } from "./_einsum_shapes.ts";

/** Options of {@link EinsumDense}. */
export interface EinsumDenseOptions extends LayerOptions {
  /** Activation applied to the output. @default "linear" */
  activation?: string | Activation;
  /**
   * The output letters that get a bias (`"de"` for `"abc,cde->abde"`): the
   * bias spans the output from the first of them on, with size 1 on the
   * others there. `null`: no bias. @default null
   */
  biasAxes?: string | null;
  /**
   * Initializer of the kernel; a variance-scaling one (Glorot, He, LeCun)
   * takes its fans from the kernel axes facing the input and the output,
   * as Keras 3.15 does. @default "glorot_uniform"
   */
  kernelInitializer?: InitializerLike;
  /** Initializer of the bias. @default "zeros" */
  biasInitializer?: InitializerLike;
  /** Penalty on the kernel. */
  kernelRegularizer?: RegularizerLike;
  /** Penalty on the bias. */
  biasRegularizer?: RegularizerLike;
}

/**
 * Keras's `EinsumDense`: `activation(einsum(equation, inputs, kernel) +
 * bias)`, the kernel's shape derived from the equation, the input's shape
 * and `outputShape` as Keras derives it. Equations take one of Keras's
 * three forms: `"ab,bc->ac"` (the input's letters in full), `"...b,bc->...c"`
 * (leading axes elided) or `"ab...,bc->ac..."` (trailing axes elided).
 * Masks pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * // Project [batch, steps, 16] to 2 heads of 8: kernel [16, 2, 8], bias [2, 8].
 * const dense = new layers.EinsumDense("abc,cde->abde", [null, 2, 8], { biasAxes: "de" });
 * const y = dense.apply(tf.ones([4, 5, 16])); // shape [4, 5, 2, 8]
 * y.dispose();
 * ```
 */
export class EinsumDense extends Layer {
  /** The equation, as given. */
  readonly equation: string;
  /** The output shape without the batch axis and elided axes (Keras's `partial_output_shape`). */
  readonly partialOutputShape: (number | null)[];
  /** The output letters with a bias, or `null`. */
  readonly biasAxes: string | null;
  readonly #options: EinsumDenseOptions;
  readonly #activation: Activation;
  /** {@link matrixForm} of the equation, once known. */
  #matrixForm: number | undefined;
  /** The kernel; set by `build`. */
  kernel: tf.Variable | null = null;
  /** The bias; set by `build` when `biasAxes` is given. */
  bias: tf.Variable | null = null;

  /** `fromConfig` passes `equation` and `outputShape` positionally. */
  static override positionalArgs: string[] = ["equation", "outputShape"];

  /** The keys of {@link EinsumDenseOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "activation",
    "biasAxes",
    "kernelInitializer",
    "biasInitializer",
    "kernelRegularizer",
    "biasRegularizer",
  ] satisfies (keyof EinsumDenseOptions)[];

  /**
   * Creates the layer.
   *
   * @param equation The einsum equation of the input and the kernel, e.g. `"abc,cd->abd"`.
   * @param outputShape The output's shape without the batch axis (and any
   *   axes `...` stands for); `null` for a size the input gives; a number
   *   for a single axis.
   * @param options Activation, bias axes, initializers and regularizers; or,
   *   as Keras's third positional argument, the activation alone.
   */
  constructor(
    equation: string,
    outputShape: number | (number | null)[],
    options: EinsumDenseOptions | string | Activation = {},
  ) {
    const o = layerOptions<EinsumDenseOptions>(
      "EinsumDense",
      options,
      (v) =>
        typeof v === "string" || typeof v === "function" ? { activation: v as string } : undefined,
      'new EinsumDense("ab,bc->ac", [units], { activation: "relu", biasAxes: "c" })',
    );
    super(o);
    const what = "build EinsumDense";
    if (typeof equation !== "string") {
      reject(what, "equation", equation, 'a string like "ab,bc->ac"');
    }
    try {
      splitEquation(equation);
    } catch (e) {
      throw new RangeError(`Cannot ${what} as ${(e as Error).message}`);
    }
    const shape = typeof outputShape === "number" ? [outputShape] : outputShape;
    if (
      !Array.isArray(shape) || shape.some((d) => d !== null && (!Number.isInteger(d) || d <= 0))
    ) {
      reject(what, "outputShape", outputShape, "a positive integer or an array of them (or null)");
    }
    const biasAxes = o.biasAxes ?? null;
    if (biasAxes !== null && (typeof biasAxes !== "string" || !/^[a-zA-Z]+$/.test(biasAxes))) {
      reject(what, "biasAxes", biasAxes, 'a string of output letters like "de", or null');
    }
    this.equation = equation;
    this.partialOutputShape = [...shape];
    this.biasAxes = biasAxes;
    this.#options = o;
    this.#activation = getActivation(o.activation);
    this.supportsMasking = true;
  }

  /** Keras's shape analysis for an input shape, with this layer's name on any error. */
  #shapes(inputShape: Shape): EinsumShapes {
    try {
      return analyzeEinsum(this.equation, this.biasAxes, inputShape, this.partialOutputShape);
    } catch (e) {
      throw new RangeError(
        `Cannot build ${this.name} (EinsumDense) on input ${JSON.stringify(inputShape)} as ${
          (e as Error).message
        }`,
      );
    }
  }

  /** Creates the kernel and, with `biasAxes`, the bias, shaped as the equation says. */
  override build(inputShape: Shape): void {
    const { kernelShape, biasShape, inputAxes, outputAxes } = this.#shapes(inputShape);
    const unknown = [...kernelShape, ...(biasShape ?? [])].some((d) => d === null);
    if (unknown) {
      throw new RangeError(
        `Cannot build ${this.name} (EinsumDense) as its kernel [${kernelShape}] or bias [${
          biasShape ?? []
        }] has an axis of unknown size: give its size in "outputShape" or a known input axis (input ${
          JSON.stringify(inputShape)
        })`,
      );
    }
    const kernel = kernelShape as number[];
    const o = this.#options;
    const fan = (axes: number[]) => axes.reduce((n, a) => n * kernel[a], 1);
    this.kernel = this.addWeight("kernel", kernel, {
      initializer: axisFans(
        o.kernelInitializer ?? "glorot_uniform",
        fan(inputAxes),
        fan(outputAxes),
      ),
      regularizer: o.kernelRegularizer,
    });
    if (biasShape !== null) {
      this.bias = this.addWeight("bias", biasShape as number[], {
        initializer: o.biasInitializer ?? "zeros",
        regularizer: o.biasRegularizer,
      });
    }
  }

  /** Computes `activation(einsum(equation, inputs, kernel) + bias)`. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const contracted = this.#matrixForm ??= matrixForm(this.equation, this.biasAxes);
    const name = activationName(this.#options.activation);
    if (contracted > 0 && (name === "linear" || name === "relu")) {
      // A Dense in disguise (the attention projections): one product, bias and activation.
      const kernel = this.kernel!;
      const inner = kernel.shape.slice(0, contracted).reduce((a, b) => a * b, 1);
      const flat = tf.reshape(inputs, [-1, inner]) as tf.Tensor2D;
      const y = fused.denseBiasActivation(
        flat,
        tf.reshape(kernel, [inner, kernel.size / inner]) as tf.Tensor2D,
        this.bias === null ? null : tf.reshape(this.bias, [-1]) as tf.Tensor1D,
        name,
      );
      const lead = inputs.shape.slice(0, inputs.rank - contracted);
      return tf.reshape(y, [...lead, ...kernel.shape.slice(contracted)]);
    }
    let y = einsum(this.equation, inputs, this.kernel!);
    if (this.bias) y = tf.add(y, this.bias);
    return this.#activation(y);
  }

  /** The full output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [null, ...this.#shapes(inputShape).outputShape.slice(1)];
  }

  /** The constructor's arguments and options, with defaults filled in. */
  override getConfig(): Record<string, unknown> {
    const o = this.#options;
    return {
      ...super.getConfig(),
      equation: this.equation,
      outputShape: [...this.partialOutputShape],
      activation: activationName(o.activation),
      biasAxes: this.biasAxes,
      kernelInitializer: o.kernelInitializer ?? "glorot_uniform",
      biasInitializer: o.biasInitializer ?? "zeros",
      ...(o.kernelRegularizer === undefined ? {} : { kernelRegularizer: o.kernelRegularizer }),
      ...(o.biasRegularizer === undefined ? {} : { biasRegularizer: o.biasRegularizer }),
    };
  }
}

/**
 * How many leading kernel axes an equation contracts when it is a matrix
 * product in disguise, `P·C,C·A->P·A` (input = kept letters then
 * contracted ones, kernel = the contracted letters then new ones, output =
 * kept then new, each letter once), with the bias on every new letter or
 * none; 0 otherwise (`...`, a bias on some of the new letters only, …).
 */
function matrixForm(equation: string, biasAxes: string | null): number {
  const match = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$/.exec(equation.replace(/\s/g, ""));
  if (match === null) return 0;
  const [, input, kernel, output] = match;
  for (let k = input.length - 1; k >= 0; k--) {
    const [kept, contracted] = [input.slice(0, k), input.slice(k)];
    const added = kernel.slice(contracted.length);
    if (!kernel.startsWith(contracted) || output !== kept + added) continue;
    const letters = kept + contracted + added;
    if (new Set(letters).size !== letters.length) return 0;
    if (biasAxes !== null && biasAxes !== added) return 0;
    return contracted.length;
  }
  return 0;
}

/**
 * A variance-scaling initializer whose fans are the sizes of the kernel's
 * input and output axes (Keras 3.15's `input_axes`/`output_axes`): it
 * draws a `[fanIn, fanOut]` matrix and reshapes it, so a `[16, 2, 8]`
 * projection is initialised as a Dense `[16, 16]` would be. Other
 * initializers are used as they are.
 */
function axisFans(identifier: InitializerLike, fanIn: number, fanOut: number): InitializerLike {
  const init = getInitializer(identifier);
  if (!(init instanceof VarianceScaling)) return init;
  const scaled: Initializer = {
    className: init.className,
    apply: (shape, dtype, seed) =>
      tf.tidy(() => tf.reshape(init.apply([fanIn, fanOut], dtype, seed), shape)),
    getConfig: () => init.getConfig(),
  };
  return scaled;
}
