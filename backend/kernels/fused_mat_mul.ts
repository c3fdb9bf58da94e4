/**
 * `_FusedMatMul` (matmul + bias + activation, what `tf.fused.matMul` and
 * Dense layers run) through `cblas_sgemm`: the output is pre-filled with the
 * bias, BLAS accumulates the product onto it (`beta = 1`), and the activation
 * is applied in place — one output buffer, no intermediates.
 *
 * Its gradient needs no kernel of its own: TensorFlow.js fuses only outside
 * gradient recording or for a linear activation, and differentiates the fused
 * op through BatchMatMul and Sum, which kerno also replaces.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { allocate } from "../_buffer_pool.ts";
import { blas } from "../_blas.ts";
import { applyActivationInPlace, fillRowsWithBias, supportsActivation } from "./_activation.ts";
import { matMulInto, planMatMul } from "./batch_mat_mul.ts";
import { activatedProduct, wasmActivation } from "./_im2col_wasm.ts";
import {
  cpuBackend,
  f32,
  fallback,
  type KernelArgs,
  type KernelResult,
  need,
  output,
} from "./_util.ts";

interface FusedMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

function biasFits(bias: tf.TensorInfo, n: number, outRank: number): boolean {
  const shape = bias.shape;
  if (shape.length > outRank) return false;
  const size = shape.reduce((p, d) => p * d, 1);
  if (size === 1) return true;
  return size === n && shape[shape.length - 1] === n;
}

/**
 * The `_FusedMatMul` kernel through `cblas_sgemm`; prelu activations,
 * biases that broadcast other than along rows, non-float32 operands and a
 * missing BLAS go to the `cpu` kernel.
 *
 * @param args Inputs `{a, b, bias?, preluActivationWeights?}`, attrs
 *   `{transposeA, transposeB, activation, leakyreluAlpha}`.
 * @returns `activation(op(a) · op(b) + bias)`.
 */
export function fusedMatMul(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const a = need(args, "a");
  const b = need(args, "b");
  const bias = args.inputs.bias;
  const attrs = args.attrs as unknown as FusedMatMulAttrs;
  const { transposeA, transposeB } = attrs;
  const lib = blas();
  const av = f32(backend, a);
  const bv = f32(backend, b);
  const plan = planMatMul(a.shape, b.shape, transposeA, transposeB);
  const biasValues = bias === undefined ? null : f32(backend, bias);
  if (
    lib === null || av === null || bv === null || plan === null || plan.k === 0 ||
    !supportsActivation(attrs.activation) ||
    (bias !== undefined && (biasValues === null || !biasFits(bias, plan.n, plan.outShape.length)))
  ) {
    return fallback(tf._FusedMatMul, args);
  }
  const rows = plan.batchA.length * plan.m;
  const code = wasmActivation(attrs.activation);
  if (
    code !== null && code !== 0 && rows * plan.n > 0 &&
    (biasValues === null || biasValues.length === plan.n || biasValues.length === 1)
  ) {
    // The product (beta 0) into WebAssembly memory, bias and activation in one SIMD pass
    // there, one copy out: no bias fill before the product, no JavaScript pass after.
    const y = activatedProduct(rows, plan.n, biasValues, code, (dst) => {
      matMulInto(lib, plan, av, bv, transposeA, transposeB, dst, 0);
    });
    return output(backend, plan.outShape, y);
  }
  const out = allocate(rows * plan.n);
  if (out.length > 0) {
    if (biasValues !== null) fillRowsWithBias(out, biasValues, rows, plan.n);
    matMulInto(lib, plan, av, bv, transposeA, transposeB, out, biasValues === null ? 0 : 1);
    applyActivationInPlace(out, attrs.activation, attrs.leakyreluAlpha ?? 0.2);
  }
  return output(backend, plan.outShape, out);
}
