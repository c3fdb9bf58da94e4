/**
 * The kernels kerno replaces, by TensorFlow.js kernel name. Every other kernel
 * of the `cpu` backend is registered for kerno unchanged.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { batchMatMul } from "./batch_mat_mul.ts";
import { fusedMatMul } from "./fused_mat_mul.ts";
import { conv2D, fusedConv2D } from "./conv2d.ts";
import { conv2DBackpropFilter, conv2DBackpropInput } from "./conv2d_backprop.ts";
import * as binary from "./binary.ts";
import * as unary from "./unary.ts";
import { maxKernel, meanKernel, minKernel, sumKernel } from "./reduce.ts";
import { softmaxKernel } from "./softmax.ts";
import { avgPoolGradKernel, avgPoolKernel, maxPoolGradKernel, maxPoolKernel } from "./pool.ts";
import { gatherV2Kernel, unsortedSegmentSumKernel } from "./gather.ts";
import { transposeKernel } from "./transpose.ts";
import { padKernel, sliceKernel, splitVKernel } from "./slice.ts";
import { castKernel, reverseKernel } from "./reverse_cast.ts";
import { tileKernel } from "./tile.ts";
import {
  avgPool3DGradKernel,
  avgPool3DKernel,
  maxPool3DGradKernel,
  maxPool3DKernel,
} from "./volume_pool.ts";
import { RELU_BIAS_GRAD, reluBiasGradKernel } from "./relu_bias_grad.ts";
import {
  CONV2D_FROM_COLS,
  CONV2D_KEEP_COLS,
  conv2DFromColsKernel,
  conv2DKeepColsKernel,
} from "./conv2d_cols.ts";
import {
  MAX_POOL_ARGMAX,
  MAX_POOL_SCATTER,
  maxPoolArgmaxKernel,
  maxPoolScatterKernel,
} from "./pool_argmax.ts";
import type { KernelArgs, KernelResult } from "./_util.ts";

/** One replacement: the kernel's name and kerno's function for it. */
export interface KernoKernel {
  /** The TensorFlow.js kernel name, e.g. `"BatchMatMul"`. */
  kernelName: string;
  /** kerno's implementation. */
  kernelFunc: (args: KernelArgs) => KernelResult;
}

/** `[kernel name, kerno's function]` for every replaced kernel. */
const REPLACEMENTS: readonly [string, (args: KernelArgs) => KernelResult][] = [
  [tf.BatchMatMul, batchMatMul],
  [tf._FusedMatMul, fusedMatMul],
  [tf.Conv2D, conv2D],
  [tf.FusedConv2D, fusedConv2D],
  [tf.Conv2DBackpropInput, conv2DBackpropInput],
  [tf.Conv2DBackpropFilter, conv2DBackpropFilter],
  [tf.Add, binary.addKernel],
  [tf.Sub, binary.subKernel],
  [tf.Multiply, binary.multiplyKernel],
  [tf.RealDiv, binary.realDivKernel],
  [tf.Maximum, binary.maximumKernel],
  [tf.Minimum, binary.minimumKernel],
  [tf.SquaredDifference, binary.squaredDifferenceKernel],
  [tf.Relu, unary.reluKernel],
  [tf.Relu6, unary.relu6Kernel],
  [tf.LeakyRelu, unary.leakyReluKernel],
  [tf.Elu, unary.eluKernel],
  [tf.EluGrad, unary.eluGradKernel],
  [tf.Sigmoid, unary.sigmoidKernel],
  [tf.Tanh, unary.tanhKernel],
  [tf.Step, unary.stepKernel],
  [tf.Square, unary.squareKernel],
  [tf.Exp, unary.expKernel],
  [tf.Log, unary.logKernel],
  [tf.Sqrt, unary.sqrtKernel],
  [tf.Rsqrt, unary.rsqrtKernel],
  [tf.Neg, unary.negKernel],
  [tf.Abs, unary.absKernel],
  [tf.Softmax, softmaxKernel],
  [tf.Sum, sumKernel],
  [tf.Mean, meanKernel],
  [tf.Max, maxKernel],
  [tf.Min, minKernel],
  [tf.MaxPool, maxPoolKernel],
  [tf.AvgPool, avgPoolKernel],
  [tf.MaxPoolGrad, maxPoolGradKernel],
  [tf.AvgPoolGrad, avgPoolGradKernel],
  [tf.MaxPool3D, maxPool3DKernel],
  [tf.AvgPool3D, avgPool3DKernel],
  [tf.MaxPool3DGrad, maxPool3DGradKernel],
  [tf.AvgPool3DGrad, avgPool3DGradKernel],
  [tf.GatherV2, gatherV2Kernel],
  [tf.UnsortedSegmentSum, unsortedSegmentSumKernel],
  [tf.Transpose, transposeKernel],
  [tf.Slice, sliceKernel],
  [tf.SplitV, splitVKernel],
  [tf.PadV2, padKernel],
  [tf.Reverse, reverseKernel],
  [tf.Tile, tileKernel],
  [tf.Cast, castKernel],
  [RELU_BIAS_GRAD, reluBiasGradKernel],
  [CONV2D_FROM_COLS, conv2DFromColsKernel],
  [CONV2D_KEEP_COLS, conv2DKeepColsKernel],
  [MAX_POOL_ARGMAX, maxPoolArgmaxKernel],
  [MAX_POOL_SCATTER, maxPoolScatterKernel],
];

/** Every kernel kerno replaces. */
export const KERNO_KERNELS: readonly KernoKernel[] = REPLACEMENTS.map(
  ([kernelName, kernelFunc]): KernoKernel => ({ kernelName, kernelFunc }),
);
