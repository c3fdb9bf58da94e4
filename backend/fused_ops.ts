/**
 * kerno's side of the seam: the backend's replacements for the fused
 * operations of `engine/fused.ts` and its fused optimizer rules, registered
 * under the backend's name. Each replacement declines (`null`) what it does
 * not handle, and the plain `tf` definition runs.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  copyRows,
  type FusedReplacements,
  registerFusedOps,
  registerFusedUpdateRule,
} from "../engine/fused.ts";
import { denseMatMul } from "./dense_matmul.ts";
import { conv2dFused } from "./conv2d_fused.ts";
import { convNdFused, convTransposeNdFused } from "./conv_nd_fused.ts";
import { depthwiseConvFused } from "./depthwise_conv.ts";
import { maxPoolArgmax } from "./max_pool_argmax.ts";
import { embeddingGradient } from "./embedding_grad.ts";
import { canFuseSparseCrossentropy, fusedSparseCrossentropy } from "./sparse_ce_fused.ts";
import { fusedDecay } from "./fused_buffers.ts";
import { KERNO_UPDATE_RULES } from "./fused_rules.ts";
import { allocate } from "./_buffer_pool.ts";
import { gruSequenceFused, lstmSequenceFused } from "./rnn_fused.ts";
import { maskedSoftmaxFused } from "./masked_softmax.ts";
import { dotProductAttentionFused, packedSelfAttentionFused } from "./attention_fused.ts";
import { meanSquaredErrorPerSampleFused } from "./mse_fused.ts";
import { layerNormFused } from "./layer_norm_fused.ts";
import { affineTransformFused, resizeImagesFused } from "./image_ops.ts";

/** kerno's replacements, by operation. */
export const KERNO_FUSED_OPS: Readonly<FusedReplacements> = Object.freeze({
  // One recorded kernel with a lean gradient while training; else TF.js's fused kernel.
  denseBiasActivation: (x, kernel, bias, activation) =>
    bias === null ? null : denseMatMul(x, kernel, bias, activation),
  conv2dBiasActivation: (x, filter, bias, o) =>
    bias === null || o.dilations[0] !== 1 || o.dilations[1] !== 1
      ? null
      : conv2dFused(x, filter, bias, o.strides, o.padding, o.activation),
  // Direct loops over the channels in SIMD WebAssembly, bias and relu in the same pass.
  depthwiseConv2d: depthwiseConvFused,
  // Grouped and 3-D convolutions: im2col and one product per group; transposed: one product
  // and a col2im scatter. Each a recorded operation whose gradient makes every input's at once.
  convBiasActivation: convNdFused,
  convTransposeBiasActivation: convTransposeNdFused,
  sparseCrossentropyFromLogits: (labels, logits) =>
    canFuseSparseCrossentropy(logits) ? fusedSparseCrossentropy(labels, logits) : null,
  meanSquaredErrorPerSample: meanSquaredErrorPerSampleFused,
  // kerno's MaxPool kernel already gives NaN for a window holding one.
  maxPool2d: (x, poolSize, strides, padding) =>
    maxPoolArgmax(x, poolSize, strides, padding) ?? tf.maxPool(x, poolSize, strides, padding),
  gatherGradient: embeddingGradient,
  decayWeights: (variable, factor) => fusedDecay(variable, factor) ? undefined : null,
  // float32 batches come from the buffer pool (recycled when the batch is disposed).
  gatherRows: (data, rows) => {
    if (data.dtype !== "float32") return null;
    const size = data.shape.slice(1).reduce((a, b) => a * b, 1);
    const out = allocate(rows.length * size);
    copyRows(data.values, rows, size, out);
    return tf.tensor(out, [rows.length, ...data.shape.slice(1)], "float32");
  },
  // The whole recurrence in one recorded operation: one product per step, gates in one loop.
  lstmSequence: lstmSequenceFused,
  gruSequence: gruSequenceFused,
  // Attention's mask and softmax in one pass each way.
  maskedSoftmax: maskedSoftmaxFused,
  // Attention's heads read in place (no transposes), its softmax in WebAssembly.
  dotProductAttention: dotProductAttentionFused,
  packedSelfAttention: packedSelfAttentionFused,
  // The moments, the output and the gradient in one pass each.
  layerNormalization: layerNormFused,
  // Images: a resize as two separable passes; a transform's coordinates once per pixel.
  resizeImages: resizeImagesFused,
  affineTransform: affineTransformFused,
});

/**
 * Registers kerno's fused operations and update rules for a backend name.
 *
 * @param backend The name kerno's backend is registered under.
 */
export function registerKernoFusedOps(backend: string): void {
  registerFusedOps(backend, KERNO_FUSED_OPS);
  for (const [rule, update] of Object.entries(KERNO_UPDATE_RULES)) {
    registerFusedUpdateRule(backend, rule, update);
  }
}
