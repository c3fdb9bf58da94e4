/**
 * Conv2D's convolution, bias and activation as one recorded `FusedConv2D`
 * kernel while gradients are recorded, on kerno's backend. TensorFlow.js's
 * `tf.fused.conv2d` falls back to separate Conv2D, Add and Relu kernels under
 * a gradient tape, and their gradients cost five passes over the activations
 * (Step, Multiply, the Add's Sum, and the Relu and Add themselves). Here the
 * forward pass writes the bias before the product and applies relu in place,
 * and the gradient computes `dz = dy·step(y)` and `dbias = Σ dz` in one sweep,
 * then `dx` and `dW` with the Conv2DBackpropInput / Conv2DBackpropFilter
 * kernels, each only for the inputs that need one — the same kernels and
 * values as the unfused path.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { RELU_BIAS_GRAD } from "./kernels/relu_bias_grad.ts";

/** The activations the fused Conv2D path handles. */
export type ConvActivation = "relu" | "linear";

interface FusedConvAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same";
  dataFormat: string;
  dilations: [number, number] | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
  activation?: string;
}

let registered = false;

function dilated(d: [number, number] | number): boolean {
  return Array.isArray(d) ? d[0] !== 1 || d[1] !== 1 : d !== 1;
}

function activationGrad(dy: tf.Tensor, y: tf.Tensor, activation: string): [tf.Tensor, tf.Tensor] {
  if (activation === "linear") return [dy, tf.sum(dy, [0, 1, 2])];
  if (tf.getBackend() === KERNO_BACKEND_NAME) {
    return tf.engine().runKernel(RELU_BIAS_GRAD, { dy, y } as unknown as tf.NamedTensorMap) as [
      tf.Tensor,
      tf.Tensor,
    ];
  }
  const dz = tf.mul(dy, tf.step(y));
  return [dz, tf.sum(dz, [0, 1, 2])];
}

function registerGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: tf.FusedConv2D,
    inputsToSave: ["x", "filter"],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved;
      const a = attrs as unknown as FusedConvAttrs;
      const activation = a.activation ?? "linear";
      if (a.dataFormat !== "NHWC" || dilated(a.dilations)) {
        throw new RangeError(
          `Cannot differentiate FusedConv2D recorded with dataFormat "${a.dataFormat}" or dilations ${
            JSON.stringify(a.dilations)
          }: only kerno's Conv2D path records it (NHWC, dilation 1)`,
        );
      }
      if (activation !== "relu" && activation !== "linear") {
        throw new RangeError(
          `Cannot differentiate FusedConv2D with activation "${activation}": expected "relu" or "linear"`,
        );
      }
      const [dz, dbias] = activationGrad(dy as tf.Tensor, y, activation);
      const geometry = { strides: a.strides, pad: a.pad, dimRoundingMode: a.dimRoundingMode };
      return {
        x: () =>
          tf.engine().runKernel(
            tf.Conv2DBackpropInput,
            { dy: dz, filter } as unknown as tf.NamedTensorMap,
            { ...geometry, dataFormat: "NHWC", inputShape: x.shape } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor,
        filter: () =>
          tf.engine().runKernel(
            tf.Conv2DBackpropFilter,
            { x, dy: dz } as unknown as tf.NamedTensorMap,
            {
              ...geometry,
              dataFormat: "NHWC",
              filterShape: filter.shape,
            } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor,
        bias: () => dbias,
      };
    },
  });
}

/**
 * Whether {@link conv2dFused} would record a fused kernel now: kerno's
 * backend is active and gradients are being recorded.
 *
 * @returns `true` when the fused path applies.
 */
export function conv2dFusedActive(): boolean {
  return tf.getBackend() === KERNO_BACKEND_NAME && tf.engine().isTapeOn();
}

/**
 * `activation(conv2d(x, filter) + bias)` (NHWC, dilation 1) as one recorded
 * kernel when kerno's backend is active and gradients are being recorded;
 * `null` otherwise (the caller then runs the separate ops).
 *
 * @param x The inputs, `[batch, rows, cols, inChannels]`.
 * @param filter The kernel, `[kRows, kCols, inChannels, outChannels]`.
 * @param bias The bias, `[outChannels]`.
 * @param strides The strides, `[rows, cols]`.
 * @param padding `"valid"` or `"same"`.
 * @param activation `"relu"` or `"linear"`.
 * @returns The output, `[batch, outRows, outCols, outChannels]`, or `null`.
 */
export function conv2dFused(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  strides: [number, number],
  padding: "valid" | "same",
  activation: ConvActivation,
): tf.Tensor4D | null {
  if (!conv2dFusedActive()) return null;
  if (x.dtype !== "float32" || filter.dtype !== "float32" || bias.dtype !== "float32") return null;
  if (x.rank !== 4 || filter.rank !== 4 || bias.rank !== 1) return null;
  if (x.shape[3] !== filter.shape[2] || bias.shape[0] !== filter.shape[3]) return null;
  registerGradient();
  return tf.engine().runKernel(
    tf.FusedConv2D,
    { x, filter, bias } as unknown as tf.NamedTensorMap,
    {
      strides,
      pad: padding,
      dataFormat: "NHWC",
      dilations: [1, 1],
      dimRoundingMode: undefined,
      activation,
      leakyreluAlpha: undefined,
    } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor4D;
}
