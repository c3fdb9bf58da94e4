/**
 * The geometry of N-d convolutions (1-, 2- and 3-D, channels last) as Keras
 * defines it, and the plain-`tf` definitions of the seam's general
 * convolution (groups, any rank) and transposed convolution.
 *
 * A convolution pads its input by `padBefore`/`padAfter` zeros per spatial
 * axis and slides a kernel of `kernelSize` taps `dilations` apart with step
 * `strides`: output `o` reads input `o·stride + tap·dilation − padBefore`.
 * A transposed convolution is that map's adjoint: input `i` adds into output
 * `i·stride + tap·dilation − padBefore` (positions outside the output are
 * dropped).
 *
 * @module
 */
import { tf } from "./tf.ts";

/** What the fused convolutions apply after the bias. */
export type ConvActivation = "relu" | "sigmoid" | "linear";

/** Geometry of the seam's general convolution. */
export interface FusedConvOptions {
  /** Step per spatial axis. */
  strides: number[];
  /** Spacing of the kernel's taps per spatial axis. */
  dilations: number[];
  /** Zeros before the input, per spatial axis. */
  padBefore: number[];
  /** Zeros after the input, per spatial axis. */
  padAfter: number[];
  /** Channel groups: input channel block `g` feeds only filter block `g`. */
  groups: number;
  /** Applied after the bias. */
  activation: ConvActivation;
}

/** Geometry of the seam's transposed convolution. */
export interface FusedConvTransposeOptions {
  /** Step per spatial axis. */
  strides: number[];
  /** Spacing of the kernel's taps per spatial axis. */
  dilations: number[];
  /** The output's spatial size. */
  outputSize: number[];
  /** Input `i`, tap `t` lands on output `i·stride + t·dilation − padBefore`. */
  padBefore: number[];
  /** Applied after the bias. */
  activation: ConvActivation;
}

/**
 * The span of a dilated kernel: `(k − 1)·d + 1`.
 *
 * @param kernel Taps.
 * @param dilation Spacing of the taps.
 * @returns The span.
 */
export function dilatedSpan(kernel: number, dilation: number): number {
  return (kernel - 1) * dilation + 1;
}

/**
 * Keras's (TensorFlow's) padding of a convolution along one axis: none for
 * `"valid"`; for `"same"` the total `max((⌈n/s⌉ − 1)·s + span − n, 0)`,
 * the smaller half before (asymmetric when odd); `"causal"` all before.
 *
 * @param length The input's length.
 * @param kernel Taps.
 * @param stride Step.
 * @param dilation Spacing of the taps.
 * @param padding The mode.
 * @returns `[before, after]`.
 */
export function convPadding(
  length: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: "valid" | "same" | "causal",
): [number, number] {
  const span = dilatedSpan(kernel, dilation);
  if (padding === "valid") return [0, 0];
  if (padding === "causal") return [span - 1, 0];
  const total = Math.max((Math.ceil(length / stride) - 1) * stride + span - length, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * Keras's output length of a transposed convolution along one axis: with
 * no `outputPadding`, `n·s` (`"same"`) or `(n − 1)·s + max(span, s)`
 * (`"valid"`); with one, `(n − 1)·s + span % 2 + p` (`"same"`) or
 * `(n − 1)·s + span + p` (`"valid"`).
 *
 * @param length The input's length, or `null`.
 * @param kernel Taps.
 * @param stride Step.
 * @param dilation Spacing of the taps.
 * @param padding The mode.
 * @param outputPadding Extra length, or `null`.
 * @returns The output's length (`null` for `null`).
 */
export function convTransposeLength(
  length: number | null,
  kernel: number,
  stride: number,
  dilation: number,
  padding: "valid" | "same",
  outputPadding: number | null,
): number | null {
  if (length === null) return null;
  const span = dilatedSpan(kernel, dilation);
  if (padding === "valid") {
    return (length - 1) * stride + span + (outputPadding ?? Math.max(span, stride) - span);
  }
  return outputPadding === null
    ? length * stride
    : (length - 1) * stride + span % 2 + outputPadding;
}

/**
 * Where a transposed convolution's taps land along one axis, as Keras lays
 * them out on every backend: output `i·s + t·d − before`, with `before =
 * span − 1 − left`, `left` the zero padding of the equivalent stride-1
 * convolution over the stride-dilated input (`span − 1` for `"valid"`; for
 * `"same"` the larger half of `s + span − 2` without `outputPadding`, of
 * `span + span % 2 − 2 + p` with one, at most `span − 1`).
 *
 * @param kernel Taps.
 * @param stride Step.
 * @param dilation Spacing of the taps.
 * @param padding The mode.
 * @param outputPadding Extra length, or `null`.
 * @returns `before`, at least 0.
 */
export function convTransposePadBefore(
  kernel: number,
  stride: number,
  dilation: number,
  padding: "valid" | "same",
  outputPadding: number | null,
): number {
  if (padding === "valid") return 0;
  const span = dilatedSpan(kernel, dilation);
  const total = outputPadding === null ? stride + span - 2 : span + span % 2 - 2 + outputPadding;
  const left = Math.min(Math.ceil(total / 2), span - 1);
  return span - 1 - left;
}

/**
 * A kernel with `dilation − 1` zeros between its taps along each spatial
 * axis (its first `rank` axes), so that a convolution at dilation 1 with it
 * is the dilated convolution (TensorFlow.js differentiates only those).
 *
 * @param kernel `[...taps, a, b]`.
 * @param dilations Per spatial axis.
 * @returns `[...spans, a, b]`.
 */
export function spreadKernel(kernel: tf.Tensor, dilations: readonly number[]): tf.Tensor {
  let k = kernel;
  dilations.forEach((rate, axis) => {
    if (rate !== 1) k = spreadAxis(k, axis, rate);
  });
  return k;
}

/** `rate − 1` zeros after each entry along `axis`, the trailing ones dropped. */
function spreadAxis(t: tf.Tensor, axis: number, rate: number): tf.Tensor {
  const shape = t.shape;
  const size = shape[axis];
  const spread = tf.expandDims(t, axis + 1);
  const pads = spread.shape.map((_, i) => [0, i === axis + 1 ? rate - 1 : 0] as [number, number]);
  const flat = tf.reshape(tf.pad(spread, pads), [
    ...shape.slice(0, axis),
    size * rate,
    ...shape.slice(axis + 1),
  ]);
  const span = (size - 1) * rate + 1;
  return tf.slice(flat, shape.map(() => 0), shape.map((d, i) => (i === axis ? span : d)));
}

/** A valid, stride-`strides`, dilation-1 convolution of rank 1, 2 or 3 (channels last). */
function validConv(x: tf.Tensor, kernel: tf.Tensor, strides: number[]): tf.Tensor {
  if (strides.length === 1) {
    return tf.conv1d(x as tf.Tensor3D, kernel as tf.Tensor3D, strides[0], "valid");
  }
  if (strides.length === 2) {
    return tf.conv2d(
      x as tf.Tensor4D,
      kernel as tf.Tensor4D,
      strides as [number, number],
      "valid",
    );
  }
  return tf.conv3d(
    x as tf.Tensor5D,
    kernel as tf.Tensor5D,
    strides as [number, number, number],
    "valid",
  );
}

function biasActivation(y: tf.Tensor, bias: tf.Tensor | null, activation: ConvActivation) {
  const z = bias === null ? y : tf.add(y, bias);
  if (activation === "relu") return tf.relu(z);
  return activation === "sigmoid" ? tf.sigmoid(z) : z;
}

/**
 * The plain general convolution: explicit zero padding, the dilated kernel
 * spread out, one valid convolution per channel group, concatenated.
 *
 * @param x `[batch, ...spatial, inChannels]`.
 * @param kernel `[...taps, inChannels / groups, filters]`.
 * @param bias `[filters]`, or `null`.
 * @param o The geometry and activation.
 * @returns `[batch, ...outSpatial, filters]`.
 */
export function plainConv(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor1D | null,
  o: FusedConvOptions,
): tf.Tensor {
  const pads = [[0, 0], ...o.padBefore.map((b, i) => [b, o.padAfter[i]]), [0, 0]] as [
    number,
    number,
  ][];
  const padded = pads.some(([b, a]) => b !== 0 || a !== 0) ? tf.pad(x, pads) : x;
  const k = spreadKernel(kernel, o.dilations);
  let y: tf.Tensor;
  if (o.groups === 1) {
    y = validConv(padded, k, o.strides);
  } else {
    const xs = tf.split(padded, o.groups, padded.rank - 1);
    const ks = tf.split(k, o.groups, k.rank - 1);
    y = tf.concat(xs.map((xg, g) => validConv(xg, ks[g], o.strides)), padded.rank - 1);
  }
  return biasActivation(y, bias, o.activation);
}

/**
 * The plain transposed convolution. Ranks 1 and 2 run TensorFlow.js's
 * `conv2dTranspose` to the full length `(n − 1)·s + span` and crop; rank 3
 * (whose transposed kernel TensorFlow.js cannot differentiate) runs as the
 * equivalent stride-1 convolution over the input with `s − 1` zeros between
 * its entries, with the kernel flipped.
 *
 * @param x `[batch, ...spatial, inChannels]`.
 * @param kernel `[...taps, filters, inChannels]` (Keras's layout).
 * @param bias `[filters]`, or `null`.
 * @param o The geometry and activation.
 * @returns `[batch, ...outputSize, filters]`.
 */
export function plainConvTranspose(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor1D | null,
  o: FusedConvTransposeOptions,
): tf.Tensor {
  const rank = o.strides.length;
  const k = spreadKernel(kernel, o.dilations);
  const spans = k.shape.slice(0, rank);
  const inSize = x.shape.slice(1, 1 + rank);
  const full = inSize.map((n, i) => (n - 1) * o.strides[i] + spans[i]);
  const batch = x.shape[0];
  const filters = kernel.shape[rank];
  let y: tf.Tensor;
  if (rank === 3) {
    const flipped = tf.transpose(tf.reverse(k, [0, 1, 2]), [0, 1, 2, 4, 3]);
    let z = x;
    o.strides.forEach((s, axis) => {
      if (s !== 1) z = spreadAxis(z, axis + 1, s);
    });
    const pads = [[0, 0], ...spans.map((s) => [s - 1, s - 1]), [0, 0]] as [number, number][];
    y = validConv(tf.pad(z, pads), flipped, [1, 1, 1]);
  } else {
    const x4 = rank === 1 ? tf.expandDims(x, 1) : x;
    const k4 = rank === 1 ? tf.expandDims(k, 0) : k;
    const strides = (rank === 1 ? [1, o.strides[0]] : o.strides) as [number, number];
    const size = rank === 1 ? [1, full[0]] : full;
    y = tf.conv2dTranspose(
      x4 as tf.Tensor4D,
      k4 as tf.Tensor4D,
      [batch, size[0], size[1], filters],
      strides,
      "valid",
    );
    if (rank === 1) y = tf.squeeze(y, [1]);
  }
  // Output `o` is full position `o + padBefore`: crop, and zero-fill past the full length.
  const begin = [0, ...o.padBefore, 0];
  const kept = o.outputSize.map((n, i) => Math.max(0, Math.min(n, full[i] - o.padBefore[i])));
  y = tf.slice(y, begin, [batch, ...kept, filters]);
  if (kept.some((n, i) => n !== o.outputSize[i])) {
    const pads = [[0, 0], ...kept.map((n, i) => [0, o.outputSize[i] - n]), [0, 0]];
    y = tf.pad(y, pads as [number, number][]);
  }
  return biasActivation(y, bias, o.activation);
}
