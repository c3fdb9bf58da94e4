/**
 * The seam's second door: a small, named set of fused operations. Generic
 * code (layers, losses, optimizers, the data pipeline) calls `fused.*`;
 * each operation is defined here once, in plain `tf` ops, and a backend may
 * replace it for its own tensors with {@link registerFusedOps}. A
 * replacement returns `null` to decline a case it does not handle (a dtype,
 * a shape, no gradient being recorded), and the plain version then runs, so
 * a backend accelerates only what pays. Every replacement must give the
 * plain version's values (the tests compare them).
 *
 * Optimizer update rules are fused the same way, through one registry
 * keyed by the rule's name ({@link registerFusedUpdateRule}); an optimizer
 * states its rule once, in `tf` ops, and never learns which backend ran it.
 *
 * The first door needs nothing from here: a backend registers kernels and
 * gradients for the ops generic code uses with TensorFlow.js's kernel
 * registry (`tf.registerKernel`, `tf.registerGradient`).
 *
 * @module
 */
import { tf } from "./tf.ts";
import { nanAwareMaxPool } from "./_nan_max_pool.ts";
import {
  type FillMode,
  plainAffineTransform,
  plainResizeImages,
  type ResizeMethod,
  type TransformInterpolation,
} from "./_image_ops.ts";
import {
  type FusedConvOptions,
  type FusedConvTransposeOptions,
  plainConv,
  plainConvTranspose,
} from "./_conv_ops.ts";

export type { FillMode, ResizeMethod, TransformInterpolation } from "./_image_ops.ts";
export type { FusedConvOptions, FusedConvTransposeOptions } from "./_conv_ops.ts";

/** The activations the fused dense and convolution operations take. */
export type FusedActivation = "relu" | "linear";

/** Geometry of {@link FusedOps.conv2dBiasActivation}. */
export interface FusedConv2DOptions {
  /** Strides, `[rows, cols]`. */
  strides: [number, number];
  /** `"valid"` or `"same"` (Keras's, asymmetric when odd). */
  padding: "valid" | "same";
  /** Dilation, `[rows, cols]`. */
  dilations: [number, number];
  /** The activation applied after the bias. */
  activation: FusedActivation;
}

/** Host samples, row-major: what {@link FusedOps.gatherRows} copies from. */
export interface HostRows {
  /** The values of every sample, flat. */
  values: Float32Array | Int32Array;
  /** The shape, samples first. */
  shape: number[];
  /** The dtype of the tensor to make. */
  dtype: "float32" | "int32";
}

/** The named fused operations, with their plain-`tf` meaning. */
export interface FusedOps {
  /**
   * `activation(x · kernel + bias)`.
   *
   * @param x `[rows, inFeatures]`.
   * @param kernel `[inFeatures, units]`.
   * @param bias `[units]`, or `null`.
   * @param activation `"relu"` or `"linear"`.
   * @returns `[rows, units]`.
   */
  denseBiasActivation(
    x: tf.Tensor2D,
    kernel: tf.Tensor2D,
    bias: tf.Tensor1D | null,
    activation: FusedActivation,
  ): tf.Tensor2D;
  /**
   * `activation(conv2d(x, filter) + bias)`, NHWC.
   *
   * @param x `[batch, rows, cols, inChannels]`.
   * @param filter `[kRows, kCols, inChannels, outChannels]`.
   * @param bias `[outChannels]`, or `null`.
   * @param options Strides, padding, dilations, activation.
   * @returns `[batch, outRows, outCols, outChannels]`.
   */
  conv2dBiasActivation(
    x: tf.Tensor4D,
    filter: tf.Tensor4D,
    bias: tf.Tensor1D | null,
    options: FusedConv2DOptions,
  ): tf.Tensor4D;
  /**
   * `activation(depthwiseConv2d(x, filter) + bias)`, NHWC: each input
   * channel `c` convolved with its own `depthMultiplier` kernels, output
   * channel `c·depthMultiplier + m` (TensorFlow's `depthwise_conv2d`, with
   * its asymmetric "same" padding: the odd pixel at the end).
   *
   * @param x `[batch, rows, cols, channels]`.
   * @param filter `[kRows, kCols, channels, depthMultiplier]`.
   * @param bias `[channels·depthMultiplier]`, or `null`.
   * @param options Strides, padding, dilations, activation.
   * @returns `[batch, outRows, outCols, channels·depthMultiplier]`.
   */
  depthwiseConv2d(
    x: tf.Tensor4D,
    filter: tf.Tensor4D,
    bias: tf.Tensor1D | null,
    options: FusedConv2DOptions,
  ): tf.Tensor4D;
  /**
   * `activation(conv(x, kernel) + bias)` for 1-, 2- or 3-D inputs, channels
   * last, with explicit padding, dilations and channel groups (Conv3D, and
   * grouped Conv1D/2D/3D).
   *
   * @param x `[batch, ...spatial, inChannels]`.
   * @param kernel `[...taps, inChannels / groups, filters]`.
   * @param bias `[filters]`, or `null`.
   * @param options Strides, dilations, padding, groups, activation.
   * @returns `[batch, ...outSpatial, filters]`.
   */
  convBiasActivation(
    x: tf.Tensor,
    kernel: tf.Tensor,
    bias: tf.Tensor1D | null,
    options: FusedConvOptions,
  ): tf.Tensor;
  /**
   * `activation(convTranspose(x, kernel) + bias)` for 1-, 2- or 3-D inputs,
   * channels last: input `i`, tap `t` adds into output `i·stride +
   * t·dilation − padBefore` (the adjoint of a convolution).
   *
   * @param x `[batch, ...spatial, inChannels]`.
   * @param kernel `[...taps, filters, inChannels]` (Keras's layout).
   * @param bias `[filters]`, or `null`.
   * @param options Strides, dilations, output size, placement, activation.
   * @returns `[batch, ...outputSize, filters]`.
   */
  convTransposeBiasActivation(
    x: tf.Tensor,
    kernel: tf.Tensor,
    bias: tf.Tensor1D | null,
    options: FusedConvTransposeOptions,
  ): tf.Tensor;
  /**
   * Per-row `−log softmax(logits)[label]`; a label outside `[0, classes)`
   * gives 0 and no gradient.
   *
   * @param labels Class ids (any numeric dtype), shape `logits.shape[:-1]`.
   * @param logits float32, at least two classes.
   * @returns The losses, shape `logits.shape[:-1]`.
   */
  sparseCrossentropyFromLogits(labels: tf.Tensor, logits: tf.Tensor): tf.Tensor;
  /**
   * Mean squared error per sample: `(yPred − yTrue)²` averaged over the last
   * axis and then over the other non-batch axes (Keras's
   * `mean_squared_error` followed by the per-sample mean of a loss).
   *
   * @param yTrue float32 targets, rank ≥ 2.
   * @param yPred float32 predictions, shaped as `yTrue`.
   * @returns The losses, `[batch]`.
   */
  meanSquaredErrorPerSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor;
  /**
   * 2-D max pooling, NHWC, where a window holding a NaN gives NaN (as
   * PyTorch); a backend may record where each maximum was for the gradient.
   *
   * @param x `[batch, rows, cols, channels]`.
   * @param poolSize `[rows, cols]`.
   * @param strides `[rows, cols]`.
   * @param padding `"valid"` or `"same"`.
   * @returns The pooled tensor.
   */
  maxPool2d(
    x: tf.Tensor4D,
    poolSize: [number, number],
    strides: [number, number],
    padding: "valid" | "same",
  ): tf.Tensor4D;
  /**
   * The gradient of `gather(table, ids)` with respect to a rank-2 table:
   * `dy`'s rows summed into the rows `ids` name, zero elsewhere. A backend's
   * version may mark its result row-sparse (`row_sparse.ts`) so that its
   * fused optimizer step visits only those rows, as TensorFlow's
   * `IndexedSlices`.
   *
   * @param table The table `[inputDim, outputDim]` (only its shape and
   *   identity are used).
   * @param ids int32 indices in `[0, inputDim)`, any shape.
   * @param dy float32, `[...ids.shape, outputDim]`.
   * @returns `[inputDim, outputDim]`.
   */
  gatherGradient(table: tf.Tensor, ids: tf.Tensor, dy: tf.Tensor): tf.Tensor;
  /**
   * Decoupled weight decay, `variable −= variable · factor`, in place.
   *
   * @param variable The variable.
   * @param factor `weightDecay · learningRate`.
   */
  decayWeights(variable: tf.Variable, factor: number): void;
  /**
   * A new tensor holding the given rows of host samples (a batch).
   *
   * @param data The samples.
   * @param rows The rows to copy, in order.
   * @returns `[rows.length, ...sampleShape]`.
   */
  gatherRows(data: HostRows, rows: Int32Array): tf.Tensor;
  /**
   * An LSTM's recurrence over a whole sequence, with Keras's default
   * activations (sigmoid gates, tanh cell) and gate order i, f, c, o: per
   * step `z = xProj[:, t] + h · recurrentKernel`, `c = σ(f)·c + σ(i)·tanh(g)`,
   * `h = σ(o)·tanh(c)`. Where `mask[b, t]` is 0 the step is skipped for that
   * sample, as Keras: its states carry over and its output repeats the
   * previous output (zeros before the first kept step), or is zeros when
   * `zeroMaskedOutputs`.
   *
   * @param xProj The input projection `x · kernel + bias`, `[batch, time, 4·units]`.
   * @param recurrentKernel `[units, 4·units]`.
   * @param h0 The initial hidden state, `[batch, units]`.
   * @param c0 The initial cell state, `[batch, units]`.
   * @param mask `[batch, time]` (1 keeps a step, 0 skips it), or `null`.
   * @param zeroMaskedOutputs Zeros at skipped steps (Keras's
   *   `zero_output_for_mask`, as `Bidirectional` asks). @default false
   * @returns The outputs `[batch, time, units]`, the last hidden state and
   *   the last cell state (`[batch, units]` each).
   */
  lstmSequence(
    xProj: tf.Tensor3D,
    recurrentKernel: tf.Tensor2D,
    h0: tf.Tensor2D,
    c0: tf.Tensor2D,
    mask: tf.Tensor2D | null,
    zeroMaskedOutputs?: boolean,
  ): [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D];
  /**
   * A GRU's recurrence over a whole sequence in Keras's `resetAfter` form
   * (as cuDNN and PyTorch), gate order z, r, h: per step `hR = h ·
   * recurrentKernel + recurrentBias`, `z = σ(x_z + hR_z)`, `r = σ(x_r +
   * hR_r)`, `ĥ = tanh(x_h + r·hR_h)`, `h = z·h + (1 − z)·ĥ`. Masked steps as
   * {@link FusedOps.lstmSequence}.
   *
   * @param xProj The input projection `x · kernel + inputBias`, `[batch, time, 3·units]`.
   * @param recurrentKernel `[units, 3·units]`.
   * @param recurrentBias `[3·units]`, or `null`.
   * @param h0 The initial state, `[batch, units]`.
   * @param mask `[batch, time]`, or `null`.
   * @param zeroMaskedOutputs Zeros at skipped steps. @default false
   * @returns The outputs `[batch, time, units]` and the last state `[batch, units]`.
   */
  gruSequence(
    xProj: tf.Tensor3D,
    recurrentKernel: tf.Tensor2D,
    recurrentBias: tf.Tensor1D | null,
    h0: tf.Tensor2D,
    mask: tf.Tensor2D | null,
    zeroMaskedOutputs?: boolean,
  ): [tf.Tensor3D, tf.Tensor2D];
  /**
   * Keras's masked softmax over the last axis (its `Softmax` layer with a
   * mask, as attention uses it): logits where `keep` is 0 are lowered by
   * 1e9 before the softmax and the probabilities are multiplied by `keep`,
   * so masked steps get 0 and a row with nothing kept is all zeros.
   *
   * @param logits float32 scores, softmax over the last axis.
   * @param keep float32 1 (keep) or 0 (mask), of the same rank as `logits`
   *   and broadcasting against it, or `null` for a plain softmax.
   * @returns The probabilities, shaped as `logits`.
   */
  maskedSoftmax(logits: tf.Tensor, keep: tf.Tensor | null): tf.Tensor;
  /**
   * Scaled dot-product attention over one attention axis, the heads kept
   * apart (Keras's `MultiHeadAttention` core): per sample and head,
   * `scores = scale · q·kᵀ`, `probs = maskedSoftmax(scores, keep)`,
   * `output = probs · v`.
   *
   * @param query `[batch, T, heads, keyDim]`.
   * @param key `[batch, S, heads, keyDim]`.
   * @param value `[batch, S, heads, valueDim]`.
   * @param keep float32 1 (keep) or 0 (mask), rank 4, broadcasting against
   *   the scores `[batch, heads, T, S]`, or `null`.
   * @param scale The scores' factor (`1/√keyDim`).
   * @returns `[batch, T, heads, valueDim]`.
   */
  dotProductAttention(
    query: tf.Tensor4D,
    key: tf.Tensor4D,
    value: tf.Tensor4D,
    keep: tf.Tensor4D | null,
    scale: number,
  ): tf.Tensor4D;
  /**
   * `dotProductAttention` of a self-attention whose query, key and value
   * one projection made together (PyTorch's packed input projection): they
   * lie along axis 2 of one tensor, and their gradients come back in it.
   *
   * @param qkv `[batch, T, 3, heads, dim]`: query, key, value along axis 2.
   * @param keep As `dotProductAttention`'s, against `[batch, heads, T, T]`.
   * @param scale The scores' factor (`1/√dim`).
   * @returns `[batch, T, heads, dim]`.
   */
  packedSelfAttention(qkv: tf.Tensor5D, keep: tf.Tensor4D | null, scale: number): tf.Tensor4D;
  /**
   * Layer normalization over the last axis: `(x − mean) / sqrt(variance +
   * epsilon) · gamma + beta`, the moments taken per row (the variance
   * divided by the row's size, as Keras).
   *
   * @param x float32, any rank ≥ 1.
   * @param gamma The scale `[size]`, or `null`.
   * @param beta The offset `[size]`, or `null`.
   * @param epsilon Added to the variance.
   * @returns Shaped as `x`.
   */
  layerNormalization(
    x: tf.Tensor,
    gamma: tf.Tensor | null,
    beta: tf.Tensor | null,
    epsilon: number,
  ): tf.Tensor;
  /**
   * Resizes images as TensorFlow 2's `tf.image.resize` without antialiasing
   * (half-pixel centres): `bilinear`, `nearest`, `bicubic` (Keys' cubic,
   * a = −0.5), `area`, `lanczos3`, `lanczos5`. Each method is separable,
   * one weight table per axis (`_image_ops.ts`'s `resizeSpans`).
   *
   * @param images `[batch, height, width, channels]`.
   * @param size The output's `[height, width]`.
   * @param method The interpolation.
   * @returns `[batch, size[0], size[1], channels]`, float32.
   */
  resizeImages(images: tf.Tensor4D, size: [number, number], method: ResizeMethod): tf.Tensor4D;
  /**
   * TensorFlow's `ImageProjectiveTransformV3` (Keras's `affine_transform`):
   * output pixel `(x, y)` (column, row) samples the input at
   * `((a0·x + a1·y + a2) / k, (b0·x + b1·y + b2) / k)`, `k = c0·x + c1·y + 1`,
   * for a transform row `[a0, a1, a2, b0, b1, b2, c0, c1]`; points outside
   * the input are mapped by `fillMode` (`reflect`: d c b a | a b c d | d c
   * b a, `wrap`, `nearest`, or `constant`: `fillValue`).
   *
   * @param images `[batch, height, width, channels]`.
   * @param transforms `[batch, 8]`, or `[1, 8]` for every image.
   * @param interpolation `"bilinear"` or `"nearest"`.
   * @param fillMode How points outside the input are filled.
   * @param fillValue The value of `"constant"`.
   * @param outputSize The output's `[height, width]`.
   * @returns `[batch, outputSize[0], outputSize[1], channels]`, float32.
   */
  affineTransform(
    images: tf.Tensor4D,
    transforms: tf.Tensor2D,
    interpolation: TransformInterpolation,
    fillMode: FillMode,
    fillValue: number,
    outputSize: [number, number],
  ): tf.Tensor4D;
}

/** A backend's replacements: each may return `null` to let the plain version run. */
export type FusedReplacements = {
  [K in keyof FusedOps]?: (
    ...args: Parameters<FusedOps[K]>
  ) => ReturnType<FusedOps[K]> | null;
};

function plainActivation(y: tf.Tensor, activation: FusedActivation): tf.Tensor {
  return activation === "relu" ? tf.relu(y) : y;
}

/** A mask's column `t` as `[batch, 1]` float32 (1 keeps the step), or `null`. */
function maskColumn(mask: tf.Tensor2D | null, t: number): tf.Tensor | null {
  if (mask === null) return null;
  const b = mask.shape[0];
  return tf.cast(tf.reshape(tf.slice(mask, [0, t], [b, 1]), [b, 1]), "float32");
}

/** `keep ? next : previous`, per sample. */
function carry(keep: tf.Tensor | null, next: tf.Tensor, previous: tf.Tensor): tf.Tensor {
  return keep === null ? next : tf.add(tf.mul(keep, tf.sub(next, previous)), previous);
}

/** A step's output: the new state where kept, else the previous output (or zeros). */
function maskedOutput(
  keep: tf.Tensor | null,
  next: tf.Tensor,
  previous: tf.Tensor,
  zeroMaskedOutputs: boolean,
): tf.Tensor {
  if (keep === null) return next;
  // (+0 where masked: `keep · next` alone would give −0 for a negative output.)
  return zeroMaskedOutputs ? tf.add(tf.mul(keep, next), 0) : carry(keep, next, previous);
}

function plainLstmSequence(
  xProj: tf.Tensor3D,
  recurrentKernel: tf.Tensor2D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
  mask: tf.Tensor2D | null,
  zeroMaskedOutputs = false,
): [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D] {
  const steps = tf.unstack(xProj, 1);
  let h: tf.Tensor = h0;
  let c: tf.Tensor = c0;
  let out: tf.Tensor = tf.zerosLike(h0);
  const outputs: tf.Tensor[] = [];
  steps.forEach((xt, t) => {
    const z = tf.add(xt, tf.matMul(h, recurrentKernel));
    const [i, f, g, o] = tf.split(z, 4, 1);
    const c2 = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    const h2 = tf.mul(tf.sigmoid(o), tf.tanh(c2));
    const keep = maskColumn(mask, t);
    c = carry(keep, c2, c);
    h = carry(keep, h2, h);
    out = maskedOutput(keep, h2, out, zeroMaskedOutputs);
    outputs.push(out);
  });
  return [tf.stack(outputs, 1) as tf.Tensor3D, h as tf.Tensor2D, c as tf.Tensor2D];
}

function plainGruSequence(
  xProj: tf.Tensor3D,
  recurrentKernel: tf.Tensor2D,
  recurrentBias: tf.Tensor1D | null,
  h0: tf.Tensor2D,
  mask: tf.Tensor2D | null,
  zeroMaskedOutputs = false,
): [tf.Tensor3D, tf.Tensor2D] {
  const steps = tf.unstack(xProj, 1);
  let h: tf.Tensor = h0;
  let out: tf.Tensor = tf.zerosLike(h0);
  const outputs: tf.Tensor[] = [];
  steps.forEach((xt, t) => {
    let hr = tf.matMul(h, recurrentKernel);
    if (recurrentBias !== null) hr = tf.add(hr, recurrentBias);
    const [xz, xr, xh] = tf.split(xt, 3, 1);
    const [rz, rr, rh] = tf.split(hr, 3, 1);
    const z = tf.sigmoid(tf.add(xz, rz));
    const r = tf.sigmoid(tf.add(xr, rr));
    const hh = tf.tanh(tf.add(xh, tf.mul(r, rh)));
    const h2 = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
    const keep = maskColumn(mask, t);
    h = carry(keep, h2, h);
    out = maskedOutput(keep, h2, out, zeroMaskedOutputs);
    outputs.push(out);
  });
  return [tf.stack(outputs, 1) as tf.Tensor3D, h as tf.Tensor2D];
}

/**
 * A kernel `[kRows, kCols, ...]` with `rate − 1` zeros between its taps
 * along the first two axes: the dilated convolution as one at dilation 1
 * (TensorFlow.js has no gradient for dilated depthwise convolutions).
 */
function spreadKernel(filter: tf.Tensor4D, dilations: [number, number]): tf.Tensor4D {
  let k: tf.Tensor = filter;
  dilations.forEach((rate, axis) => {
    if (rate === 1) return;
    const shape = k.shape;
    const spread = tf.expandDims(k, axis + 1); // [.., size, 1, ..] → pad → [.., size, rate, ..]
    const pads = spread.shape.map((_, i) => [0, i === axis + 1 ? rate - 1 : 0] as [number, number]);
    const flat = tf.reshape(tf.pad(spread, pads), [
      ...shape.slice(0, axis),
      shape[axis] * rate,
      ...shape.slice(axis + 1),
    ]);
    const size = shape.map((d, i) => (i === axis ? (d - 1) * rate + 1 : d));
    k = tf.slice(flat, shape.map(() => 0), size);
  });
  return k as tf.Tensor4D;
}

function plainDepthwiseConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D | null,
  o: FusedConv2DOptions,
): tf.Tensor4D {
  const k = spreadKernel(filter, o.dilations);
  let y: tf.Tensor = tf.depthwiseConv2d(x, k, o.strides, o.padding, "NHWC");
  if (bias !== null) y = tf.add(y, bias);
  return plainActivation(y, o.activation) as tf.Tensor4D;
}

/** Keras's large negative number for float32, added to masked logits. */
const MASKED_LOGIT = -1e9;

function plainMaskedSoftmax(logits: tf.Tensor, keep: tf.Tensor | null): tf.Tensor {
  if (keep === null) return tf.softmax(logits);
  const lowered = tf.add(logits, tf.mul(tf.sub(1, keep), MASKED_LOGIT));
  return tf.mul(tf.softmax(lowered), keep);
}

function plainDotProductAttention(
  query: tf.Tensor4D,
  key: tf.Tensor4D,
  value: tf.Tensor4D,
  keep: tf.Tensor4D | null,
  scale: number,
): tf.Tensor4D {
  const heads = (t: tf.Tensor4D) => tf.transpose(t, [0, 2, 1, 3]); // [batch, heads, steps, dim]
  const scores = tf.mul(tf.matMul(heads(query), heads(key), false, true), scale);
  const probs = plainMaskedSoftmax(scores, keep);
  return tf.transpose(tf.matMul(probs, heads(value)), [0, 2, 1, 3]) as tf.Tensor4D;
}

function plainLayerNormalization(
  x: tf.Tensor,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  epsilon: number,
): tf.Tensor {
  const { mean, variance } = tf.moments(x, [x.rank - 1], true);
  let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
  if (gamma !== null) y = tf.mul(y, gamma);
  if (beta !== null) y = tf.add(y, beta);
  return y;
}

/** The plain-`tf` definitions: what every replacement must agree with. */
export const plainFusedOps: Readonly<FusedOps> = Object.freeze(
  {
    denseBiasActivation: (x, kernel, bias, activation) =>
      tf.fused.matMul({ a: x, b: kernel, bias: bias ?? undefined, activation }) as tf.Tensor2D,
    conv2dBiasActivation: (x, filter, bias, o) => {
      let y: tf.Tensor = tf.conv2d(x, filter, o.strides, o.padding, "NHWC", o.dilations);
      if (bias !== null) y = tf.add(y, bias);
      return plainActivation(y, o.activation) as tf.Tensor4D;
    },
    convBiasActivation: plainConv,
    convTransposeBiasActivation: plainConvTranspose,
    depthwiseConv2d: plainDepthwiseConv2d,
    sparseCrossentropyFromLogits: (labels, logits) => {
      const classes = logits.shape[logits.rank - 1];
      const oneHot = tf.oneHot(tf.cast(labels, "int32"), classes);
      return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1));
    },
    meanSquaredErrorPerSample: (yTrue, yPred) => {
      const perPosition = tf.mean(tf.square(tf.sub(yPred, yTrue)), -1);
      if (perPosition.rank === 1) return perPosition;
      return tf.mean(perPosition, Array.from({ length: perPosition.rank - 1 }, (_, i) => i + 1));
    },
    maxPool2d: nanAwareMaxPool,
    gatherGradient: (table, ids, dy) => {
      const shape = table.shape as [number, number];
      const rows = tf.reshape(ids, [-1, 1]);
      return tf.scatterND(rows, tf.reshape(dy, [-1, shape[1]]), shape);
    },
    decayWeights: (variable, factor) => {
      variable.assign(tf.sub(variable, tf.mul(variable, factor)));
    },
    gatherRows: (data, rows) => {
      const size = data.shape.slice(1).reduce((a, b) => a * b, 1);
      const out = data.dtype === "int32"
        ? new Int32Array(rows.length * size)
        : new Float32Array(rows.length * size);
      copyRows(data.values, rows, size, out);
      return tf.tensor(out, [rows.length, ...data.shape.slice(1)], data.dtype);
    },
    lstmSequence: plainLstmSequence,
    gruSequence: plainGruSequence,
    maskedSoftmax: plainMaskedSoftmax,
    dotProductAttention: plainDotProductAttention,
    packedSelfAttention: (qkv, keep, scale) => {
      const [batch, time, , heads, dim] = qkv.shape;
      const [q, k, v] = tf.split(qkv, 3, 2).map((t) =>
        tf.reshape(t, [batch, time, heads, dim]) as tf.Tensor4D
      );
      return plainDotProductAttention(q, k, v, keep, scale);
    },
    layerNormalization: plainLayerNormalization,
    resizeImages: plainResizeImages,
    affineTransform: plainAffineTransform,
  } satisfies FusedOps,
);

/**
 * Copies rows of `size` values from `from` into consecutive rows of `to`.
 *
 * @param from The source, row-major.
 * @param rows The rows to copy.
 * @param size Values per row.
 * @param to The destination, `rows.length · size` values.
 */
export function copyRows(
  from: Float32Array | Int32Array,
  rows: Int32Array,
  size: number,
  to: Float32Array | Int32Array,
): void {
  for (let i = 0; i < rows.length; i++) {
    const start = rows[i] * size;
    to.set(from.subarray(start, start + size), i * size);
  }
}

const replacements = new Map<string, FusedReplacements>();

/**
 * Lets a backend replace fused operations for its tensors. Registering
 * again for the same backend adds to (and overrides) what it registered.
 *
 * @param backend The backend's name, as `tf.getBackend()` reports it.
 * @param ops The replacements.
 * @example
 * ```ts
 * import { registerFusedOps } from "./fused.ts";
 * registerFusedOps("my-backend", { gatherRows: () => null }); // declines: plain runs
 * ```
 */
export function registerFusedOps(backend: string, ops: FusedReplacements): void {
  replacements.set(backend, { ...replacements.get(backend), ...ops });
}

/**
 * Whether the active backend registered its own version of an operation.
 * Generic code may keep a path of its own that is faster than the plain
 * definition on backends without one (an RNN's step loop, against the
 * plain `lstmSequence`), and take the operation where a backend has it.
 *
 * @param name The operation.
 * @returns `true` when a replacement is registered (it may still decline a case).
 */
export function hasFusedReplacement(name: keyof FusedOps): boolean {
  return replacements.get(tf.getBackend())?.[name] !== undefined;
}

function dispatch<K extends keyof FusedOps>(name: K): FusedOps[K] {
  const plain = plainFusedOps[name] as (...args: unknown[]) => unknown;
  const run = (...args: unknown[]): unknown => {
    const own = replacements.get(tf.getBackend())?.[name] as
      | ((...args: unknown[]) => unknown)
      | undefined;
    if (own !== undefined) {
      const result = own(...args);
      if (result !== null) return result;
    }
    return plain(...args);
  };
  return run as FusedOps[K];
}

/**
 * The fused operations, for the active backend: its replacement where it
 * has one that accepts the arguments, else the plain definition.
 *
 * @example
 * ```ts
 * import { tf } from "./tf.ts";
 * import { fused } from "./fused.ts";
 * const y = fused.denseBiasActivation(tf.ones([2, 3]), tf.ones([3, 4]), tf.zeros([4]), "relu");
 * console.log(y.shape); // [2, 4]
 * ```
 */
export const fused: Readonly<FusedOps> = Object.freeze({
  denseBiasActivation: dispatch("denseBiasActivation"),
  conv2dBiasActivation: dispatch("conv2dBiasActivation"),
  convBiasActivation: dispatch("convBiasActivation"),
  convTransposeBiasActivation: dispatch("convTransposeBiasActivation"),
  depthwiseConv2d: dispatch("depthwiseConv2d"),
  sparseCrossentropyFromLogits: dispatch("sparseCrossentropyFromLogits"),
  meanSquaredErrorPerSample: dispatch("meanSquaredErrorPerSample"),
  maxPool2d: dispatch("maxPool2d"),
  gatherGradient: dispatch("gatherGradient"),
  decayWeights: dispatch("decayWeights"),
  gatherRows: dispatch("gatherRows"),
  lstmSequence: dispatch("lstmSequence"),
  gruSequence: dispatch("gruSequence"),
  maskedSoftmax: dispatch("maskedSoftmax"),
  dotProductAttention: dispatch("dotProductAttention"),
  packedSelfAttention: dispatch("packedSelfAttention"),
  layerNormalization: dispatch("layerNormalization"),
  resizeImages: dispatch("resizeImages"),
  affineTransform: dispatch("affineTransform"),
});

/** What one optimizer update of one variable hands to a fused rule. */
export interface UpdateRuleArgs {
  /** The optimizer: its hyper-parameters are its public fields. */
  optimizer: object;
  /** The (clipped, accumulated) gradient; only read. */
  grad: tf.Tensor;
  /** The variable to update. */
  variable: tf.Variable;
  /** The variable's slots, by name. */
  slots: Readonly<Record<string, tf.Variable>>;
  /** The learning rate of this update. */
  lr: number;
  /** The 1-based number of this update. */
  step: number;
}

/** A backend's version of an update rule: `true` when it did the update. */
export type FusedUpdateRule = (args: UpdateRuleArgs) => boolean;

const rules = new Map<string, Map<string, FusedUpdateRule>>();

/**
 * Lets a backend do an optimizer's update rule its own way (in place, in
 * one pass). The optimizer's `updateStep` stays the definition: the fused
 * rule must give its values.
 *
 * @param backend The backend's name.
 * @param rule The rule's name: the `updateRule` of the optimizer class
 *   that defines `updateStep` (`"adam"`, `"sgd"`, …).
 * @param update The fused rule.
 * @example
 * ```ts
 * import { registerFusedUpdateRule } from "./fused.ts";
 * registerFusedUpdateRule("my-backend", "sgd", () => false); // declines: updateStep runs
 * ```
 */
export function registerFusedUpdateRule(
  backend: string,
  rule: string,
  update: FusedUpdateRule,
): void {
  let own = rules.get(backend);
  if (own === undefined) rules.set(backend, own = new Map());
  own.set(rule, update);
}

/**
 * The active backend's fused version of a rule, if it has one.
 *
 * @param rule The rule's name.
 * @returns The fused rule, or `undefined`.
 */
export function fusedUpdateRule(rule: string): FusedUpdateRule | undefined {
  return rules.get(tf.getBackend())?.get(rule);
}
