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
import { RELU_BIAS_GRAD, reluBiasGradKernel } from "./relu_bias_grad.ts";
import { CONV2D_FROM_COLS, conv2DFromColsKernel } from "./conv2d_cols.ts";
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

/** Every kernel kerno replaces. */
export const KERNO_KERNELS: readonly KernoKernel[] = [
  { kernelName: tf.BatchMatMul, kernelFunc: batchMatMul },
  { kernelName: tf._FusedMatMul, kernelFunc: fusedMatMul },
  { kernelName: tf.Conv2D, kernelFunc: conv2D },
  { kernelName: tf.FusedConv2D, kernelFunc: fusedConv2D },
  { kernelName: tf.Conv2DBackpropInput, kernelFunc: conv2DBackpropInput },
  { kernelName: tf.Conv2DBackpropFilter, kernelFunc: conv2DBackpropFilter },
  { kernelName: tf.Add, kernelFunc: binary.addKernel },
  { kernelName: tf.Sub, kernelFunc: binary.subKernel },
  { kernelName: tf.Multiply, kernelFunc: binary.multiplyKernel },
  { kernelName: tf.RealDiv, kernelFunc: binary.realDivKernel },
  { kernelName: tf.Maximum, kernelFunc: binary.maximumKernel },
  { kernelName: tf.Minimum, kernelFunc: binary.minimumKernel },
  { kernelName: tf.SquaredDifference, kernelFunc: binary.squaredDifferenceKernel },
  { kernelName: tf.Relu, kernelFunc: unary.reluKernel },
  { kernelName: tf.Relu6, kernelFunc: unary.relu6Kernel },
  { kernelName: tf.LeakyRelu, kernelFunc: unary.leakyReluKernel },
  { kernelName: tf.Elu, kernelFunc: unary.eluKernel },
  { kernelName: tf.EluGrad, kernelFunc: unary.eluGradKernel },
  { kernelName: tf.Sigmoid, kernelFunc: unary.sigmoidKernel },
  { kernelName: tf.Tanh, kernelFunc: unary.tanhKernel },
  { kernelName: tf.Step, kernelFunc: unary.stepKernel },
  { kernelName: tf.Square, kernelFunc: unary.squareKernel },
  { kernelName: tf.Exp, kernelFunc: unary.expKernel },
  { kernelName: tf.Log, kernelFunc: unary.logKernel },
  { kernelName: tf.Sqrt, kernelFunc: unary.sqrtKernel },
  { kernelName: tf.Rsqrt, kernelFunc: unary.rsqrtKernel },
  { kernelName: tf.Neg, kernelFunc: unary.negKernel },
  { kernelName: tf.Abs, kernelFunc: unary.absKernel },
  { kernelName: tf.Softmax, kernelFunc: softmaxKernel },
  { kernelName: tf.Sum, kernelFunc: sumKernel },
  { kernelName: tf.Mean, kernelFunc: meanKernel },
  { kernelName: tf.Max, kernelFunc: maxKernel },
  { kernelName: tf.Min, kernelFunc: minKernel },
  { kernelName: tf.MaxPool, kernelFunc: maxPoolKernel },
  { kernelName: tf.AvgPool, kernelFunc: avgPoolKernel },
  { kernelName: tf.MaxPoolGrad, kernelFunc: maxPoolGradKernel },
  { kernelName: tf.AvgPoolGrad, kernelFunc: avgPoolGradKernel },
  { kernelName: tf.GatherV2, kernelFunc: gatherV2Kernel },
  { kernelName: tf.UnsortedSegmentSum, kernelFunc: unsortedSegmentSumKernel },
  { kernelName: tf.Transpose, kernelFunc: transposeKernel },
  { kernelName: RELU_BIAS_GRAD, kernelFunc: reluBiasGradKernel },
  { kernelName: CONV2D_FROM_COLS, kernelFunc: conv2DFromColsKernel },
  { kernelName: MAX_POOL_ARGMAX, kernelFunc: maxPoolArgmaxKernel },
  { kernelName: MAX_POOL_SCATTER, kernelFunc: maxPoolScatterKernel },
];
