/**
 * kerno's depthwise convolution (the seam's `depthwiseConv2d`,
 * `engine/fused.ts`): direct loops over the channels in 4-lane SIMD
 * WebAssembly (`tools/wasm/kernels.as`), the bias and relu in the same
 * pass. NHWC keeps each pixel's channels contiguous, so a tap is one
 * multiply-add of an input row by a kernel row (with a depth multiplier
 * above 1, each input value spread over its outputs). The gradient: the
 * relu mask and the bias's sums in one sweep, then the input's gradient
 * (each output row times the tap's kernel row, added back where the tap
 * read) and the kernel's (each tap's row accumulating input row × output
 * row). TensorFlow.js's own kernels are scalar JavaScript, and have no
 * gradient for dilations above 1.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { FusedConv2DOptions } from "../engine/fused.ts";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { peek, pooledCopy, workspace } from "./_wasm_workspace.ts";
import { WASM_BASE64 as KERNELS } from "./_kernels_wasm.ts";

/** The geometry of one depthwise convolution, in the kernels' argument order. */
interface Geometry {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  mult: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  dH: number;
  dW: number;
  top: number;
  left: number;
}

/** Output length and padding before, along one axis (TensorFlow's "same": the odd one after). */
function axis(
  size: number,
  k: number,
  stride: number,
  dilation: number,
  padding: "valid" | "same",
): [number, number] {
  const span = (k - 1) * dilation + 1;
  if (padding === "valid") return [Math.ceil((size - span + 1) / stride), 0];
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + span - size, 0);
  return [out, Math.floor(total / 2)];
}

function geometryOf(x: tf.Tensor4D, filter: tf.Tensor4D, o: FusedConv2DOptions): Geometry {
  const [batch, inH, inW, channels] = x.shape;
  const [kH, kW, , mult] = filter.shape;
  const [outH, top] = axis(inH, kH, o.strides[0], o.dilations[0], o.padding);
  const [outW, left] = axis(inW, kW, o.strides[1], o.dilations[1], o.padding);
  return {
    batch,
    inH,
    inW,
    channels,
    mult,
    outH,
    outW,
    kH,
    kW,
    sH: o.strides[0],
    sW: o.strides[1],
    dH: o.dilations[0],
    dW: o.dilations[1],
    top,
    left,
  };
}

/** The geometry as the kernels' trailing arguments. */
function args(g: Geometry): number[] {
  return [
    g.batch,
    g.inH,
    g.inW,
    g.channels,
    g.mult,
    g.outH,
    g.outW,
    g.kH,
    g.kW,
    g.sH,
    g.sW,
    g.dH,
    g.dW,
    g.top,
    g.left,
  ];
}

/**
 * kerno's `depthwiseConv2d`, or `null` to let the plain definition run
 * (another backend, another dtype, shapes that do not fit, no output).
 *
 * @param x `[batch, rows, cols, channels]`, float32.
 * @param filter `[kRows, kCols, channels, depthMultiplier]`, float32.
 * @param bias `[channels·depthMultiplier]`, or `null`.
 * @param o Strides, padding, dilations, activation.
 * @returns The output, or `null`.
 */
export function depthwiseConvFused(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D | null,
  o: FusedConv2DOptions,
): tf.Tensor4D | null {
  if (tf.getBackend() !== KERNO_BACKEND_NAME) return null;
  if (x.dtype !== "float32" || filter.dtype !== "float32") return null;
  if (x.rank !== 4 || filter.rank !== 4 || x.shape[3] !== filter.shape[2]) return null;
  const g = geometryOf(x, filter, o);
  const cm = g.channels * g.mult;
  if (bias !== null && (bias.dtype !== "float32" || bias.rank !== 1 || bias.shape[0] !== cm)) {
    return null;
  }
  if (g.outH <= 0 || g.outW <= 0 || x.size === 0 || cm === 0) return null;
  const relu = o.activation === "relu" ? 1 : 0;
  const outShape = [g.batch, g.outH, g.outW, cm];
  const outSize = g.batch * g.outH * g.outW * cm;
  const filterSize = filter.size;
  const recording = tf.engine().isTapeOn(); // (customGrad runs its function with the tape off)
  const inputs = bias === null ? [x, filter] : [x, filter, bias];
  const run = tf.customGrad((...a: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const w = workspace(KERNELS, {
      x: x.size,
      filter: filterSize,
      bias: bias === null ? 0 : cm,
      y: outSize,
      dz: recording ? outSize : 0, // the gradient reaching the output, then the pre-activation
      dx: recording ? x.size : 0,
      dFilter: recording ? filterSize : 0,
      dBias: recording && bias !== null ? cm : 0,
    });
    const { f32, at, fns } = w;
    const addr = (name: keyof typeof at) => at[name] * 4;
    f32.set(peek(a[0] as tf.Tensor), at.x);
    f32.set(peek(a[1] as tf.Tensor), at.filter);
    if (bias !== null) f32.set(peek(a[2] as tf.Tensor), at.bias);
    const geometry = args(g);
    fns.depthwiseForward(
      addr("x"),
      addr("filter"),
      bias === null ? 0 : addr("bias"),
      addr("y"),
      ...geometry,
      relu,
    );
    const value = tf.tensor(pooledCopy(w.view("y")), outShape, "float32");
    if (!recording) w.release(); // no gradient will ask for the saved input
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      if (w.released) {
        throw new Error(
          "The depthwise convolution's saved input was released before its gradient ran",
        );
      }
      f32.set(peek(dy as tf.Tensor), at.dz);
      const rows = g.batch * g.outH * g.outW;
      fns.depthwiseBiasGrad(
        addr("dz"),
        addr("y"),
        rows,
        cm,
        relu,
        bias === null ? 0 : addr("dBias"),
      );
      fns.depthwiseBackwardInput(addr("dz"), addr("filter"), addr("dx"), ...geometry);
      fns.depthwiseBackwardFilter(addr("x"), addr("dz"), addr("dFilter"), ...geometry);
      const grads = [
        tf.tensor(pooledCopy(w.view("dx")), x.shape, "float32"),
        tf.tensor(w.view("dFilter").slice(), filter.shape, "float32"),
      ];
      if (bias !== null) grads.push(tf.tensor1d(w.view("dBias").slice()));
      w.release();
      return grads;
    };
    return { value, gradFunc };
  });
  return run(...inputs) as tf.Tensor4D;
}
