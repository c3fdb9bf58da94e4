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
import { markReluOutput } from "./kernels/pool_argmax.ts";
import {
  CONV2D_FROM_COLS,
  CONV2D_KEEP_COLS,
  mayKeepColumns,
  takeKeptColumns,
} from "./kernels/conv2d_cols.ts";
import { convInfoOf } from "./kernels/conv2d.ts";
import { im2col, isPointwise, patchSize } from "./kernels/_im2col.ts";
import { allocate } from "./_buffer_pool.ts";
import { peek } from "./_wasm_workspace.ts";
import { blas } from "./_blas.ts";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";

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

interface FromColsAttrs {
  strides: [number, number];
  pad: "valid" | "same";
  inputShape: number[];
  outShape: number[];
  activation: string;
}

/**
 * Column matrices above this many floats (64 MB) are not kept for the
 * gradient: the convolution then runs as FusedConv2D in chunks.
 */
const MAX_SAVED_COLUMN_FLOATS = 1 << 24;

/** `dx` of an NHWC, undilated Conv2D from the pre-activation's gradient `dz`. */
function inputGradient(
  dz: tf.Tensor,
  filter: tf.Tensor,
  strides: [number, number] | number,
  pad: "valid" | "same",
  inputShape: number[],
  dimRoundingMode?: "floor" | "round" | "ceil",
): tf.Tensor {
  return tf.engine().runKernel(
    tf.Conv2DBackpropInput,
    { dy: dz, filter } as unknown as tf.NamedTensorMap,
    { strides, pad, dimRoundingMode, dataFormat: "NHWC", inputShape } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor;
}

/** `dW` of an NHWC, undilated Conv2D, unfolding `x` again. */
function filterGradient(
  x: tf.Tensor,
  dz: tf.Tensor,
  strides: [number, number] | number,
  pad: "valid" | "same",
  filterShape: number[],
  dimRoundingMode?: "floor" | "round" | "ceil",
): tf.Tensor {
  return tf.engine().runKernel(
    tf.Conv2DBackpropFilter,
    { x, dy: dz } as unknown as tf.NamedTensorMap,
    {
      strides,
      pad,
      dimRoundingMode,
      dataFormat: "NHWC",
      filterShape,
    } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor;
}

/**
 * The geometry of a convolution whose column matrix may be kept for the
 * gradient, or `null` when it would be too large, is not needed (1×1
 * products) or no BLAS is loaded.
 */
function keepableColumns(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: [number, number],
  padding: "valid" | "same",
): { info: ReturnType<typeof convInfoOf>; rows: number; k: number } | null {
  if (blas() === null) return null;
  const info = convInfoOf(x.shape, filter.shape, {
    strides,
    pad: padding,
    dataFormat: "NHWC",
    dilations: 1,
  });
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const k = patchSize(info);
  if (isPointwise(info) || rows === 0 || k === 0 || rows * k > MAX_SAVED_COLUMN_FLOATS) return null;
  return { info, rows, k };
}

let registered = false;
let registeredFromCols = false;

function registerFromColsGradient(): void {
  if (registeredFromCols) return;
  registeredFromCols = true;
  tf.registerGradient({
    kernelName: CONV2D_FROM_COLS,
    inputsToSave: ["filter", "cols"],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [filter, cols, y] = saved;
      const a = attrs as unknown as FromColsAttrs;
      const [dz, dbias] = activationGrad(dy as tf.Tensor, y, a.activation);
      const n = filter.shape[3] as number;
      return {
        x: () => inputGradient(dz, filter, a.strides, a.pad, a.inputShape),
        // dW = colsᵀ · dz, from the column matrix the forward pass built.
        filter: () =>
          tf.reshape(
            tf.matMul(
              cols as tf.Tensor2D,
              tf.reshape(dz, [cols.shape[0] as number, n]),
              true,
              false,
            ),
            filter.shape,
          ),
        bias: () => dbias,
      };
    },
  });
}

/**
 * The convolution from a column matrix kept for the gradient, or `null`
 * when that matrix would be too large or is not needed (1×1 products), or
 * when no BLAS is loaded (the FusedConv2D kernel then runs `cpu`'s code).
 */
function fromCols(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  strides: [number, number],
  padding: "valid" | "same",
  activation: ConvActivation,
): tf.Tensor4D | null {
  const kept = keepableColumns(x, filter, strides, padding);
  if (kept === null) return null;
  const { info, rows, k } = kept;
  const backend = tf.backend() as MathBackendCPU;
  const xv = backend.data.get(x.dataId).values;
  if (!(xv instanceof Float32Array)) return null;
  registerFromColsGradient();
  const values = allocate(rows * k);
  im2col(xv, info, 0, info.batchSize, values);
  // A tensor of its own (made outside any kernel, so not on the tape): the
  // tape's saved copy keeps it, and the buffer pool cannot hand it out
  // again before the gradient has used it.
  const cols = tf.tensor2d(values, [rows, k], "float32");
  const y = tf.engine().runKernel(
    CONV2D_FROM_COLS,
    { x, filter, bias, cols } as unknown as tf.NamedTensorMap,
    {
      strides,
      pad: padding,
      inputShape: x.shape.slice(),
      outShape: info.outShape.slice(),
      activation,
    } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor4D;
  cols.dispose();
  return y;
}

let registeredKeepCols = false;

/** `dW = colsᵀ · dz` from the matrix the forward pass kept, or `null` when it was not kept. */
function filterFromKept(y: tf.Tensor, dz: tf.Tensor, filterShape: number[]): tf.Tensor | null {
  const kept = takeKeptColumns(y.dataId);
  const lib = blas();
  if (kept === undefined) return null;
  try {
    const n = filterShape[3];
    const k = filterShape[0] * filterShape[1] * filterShape[2];
    const rows = dz.size / n;
    if (lib === null || dz.dtype !== "float32" || kept.cols.length !== rows * k) return null;
    const dw = allocate(k * n);
    lib.sgemm(true, false, k, n, rows, 1, kept.cols, k, peek(dz), n, 0, dw, n);
    return tf.tensor(dw, filterShape, "float32");
  } finally {
    kept.release();
  }
}

function registerKeepColsGradient(): void {
  if (registeredKeepCols) return;
  registeredKeepCols = true;
  tf.registerGradient({
    kernelName: CONV2D_KEEP_COLS,
    inputsToSave: ["x", "filter"],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved;
      const a = attrs as unknown as {
        strides: [number, number];
        pad: "valid" | "same";
        activation: string;
      };
      const [dz, dbias] = activationGrad(dy as tf.Tensor, y, a.activation);
      return {
        x: () => inputGradient(dz, filter, a.strides, a.pad, x.shape),
        filter: () =>
          filterFromKept(y, dz, filter.shape) ??
            filterGradient(x, dz, a.strides, a.pad, filter.shape),
        bias: () => dbias,
      };
    },
  });
}

/**
 * The convolution with its column matrix kept in WebAssembly memory for the
 * filter's gradient (several input channels), or `null` when that matrix
 * would be too large or past the budget of kept matrices, is not needed (1×1
 * products, or a filter that is a frozen variable: no gradient will take
 * it), or no BLAS is loaded.
 */
function keepingCols(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  strides: [number, number],
  padding: "valid" | "same",
  activation: ConvActivation,
): tf.Tensor4D | null {
  if (filter instanceof tf.Variable && !filter.trainable) return null;
  const kept = keepableColumns(x, filter, strides, padding);
  if (kept === null || !mayKeepColumns(kept.rows * kept.k)) return null;
  registerKeepColsGradient();
  return tf.engine().runKernel(
    CONV2D_KEEP_COLS,
    { x, filter, bias } as unknown as tf.NamedTensorMap,
    { strides, pad: padding, activation } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor4D;
}

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
      const rounding = a.dimRoundingMode;
      return {
        x: () => inputGradient(dz, filter, a.strides, a.pad, x.shape, rounding),
        filter: () => filterGradient(x, dz, a.strides, a.pad, filter.shape, rounding),
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
  // The column matrix is kept for the filter's gradient: with one input channel it is small and
  // its JavaScript unfolding fast, so it becomes a tensor; with more it is unfolded in
  // WebAssembly and stays in that memory (_im2col_wasm.ts). Too large, it is not kept.
  const viaCols = x.shape[3] === 1
    ? fromCols(x, filter, bias, strides, padding, activation)
    : keepingCols(x, filter, bias, strides, padding, activation);
  if (viaCols !== null) return markedRelu(viaCols, activation);
  registerGradient();
  return markedRelu(
    tf.engine().runKernel(
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
    ) as tf.Tensor4D,
    activation,
  );
}

/** The output, noted as a relu's (a 2×2 max pool's gradient then also writes the relu's). */
function markedRelu(y: tf.Tensor4D, activation: ConvActivation): tf.Tensor4D {
  if (activation === "relu") markReluOutput(y.dataId);
  return y;
}
