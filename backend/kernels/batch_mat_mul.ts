/**
 * MatMul / BatchMatMul through `cblas_sgemm`: transposes are handed to BLAS,
 * batch dimensions broadcast NumPy-style, and a batch of left operands against
 * one right operand becomes a single tall product.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { allocate } from "../_buffer_pool.ts";
import { type Blas, blas } from "../_blas.ts";
import {
  cpuBackend,
  f32,
  fallback,
  type KernelArgs,
  type KernelResult,
  need,
  output,
} from "./_util.ts";

/** The dimensions of a (batched) matrix product, resolved from shapes and transposes. */
export interface MatMulPlan {
  /** Output shape: broadcast batch dimensions, then `[m, n]`. */
  outShape: number[];
  /** Rows of op(A). */
  m: number;
  /** Columns of op(B). */
  n: number;
  /** The shared dimension. */
  k: number;
  /** For each output batch, the batch index into A. */
  batchA: Int32Array;
  /** For each output batch, the batch index into B. */
  batchB: Int32Array;
}

/** The batch index of a product without batch dimensions (never written). */
const ONE = new Int32Array(1);

function broadcastIndex(inShape: number[], outShape: number[]): Int32Array {
  const total = outShape.reduce((p, d) => p * d, 1);
  const index = new Int32Array(total);
  const pad = outShape.length - inShape.length;
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let inIndex = 0;
    let inStride = 1;
    for (let d = outShape.length - 1; d >= 0; d--) {
      const coord = rest % outShape[d];
      rest = Math.floor(rest / outShape[d]);
      const inDim = d - pad >= 0 ? inShape[d - pad] : 1;
      if (inDim !== 1) inIndex += coord * inStride;
      inStride *= inDim;
    }
    index[flat] = inIndex;
  }
  return index;
}

/**
 * Resolves the product's dimensions.
 *
 * @param aShape Shape of A.
 * @param bShape Shape of B.
 * @param transposeA Whether A is transposed.
 * @param transposeB Whether B is transposed.
 * @returns The plan, or `null` when the shapes do not multiply.
 */
export function planMatMul(
  aShape: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): MatMulPlan | null {
  const ra = aShape.length;
  const rb = bShape.length;
  if (ra < 2 || rb < 2) return null;
  const m = transposeA ? aShape[ra - 1] : aShape[ra - 2];
  const ka = transposeA ? aShape[ra - 2] : aShape[ra - 1];
  const kb = transposeB ? bShape[rb - 1] : bShape[rb - 2];
  const n = transposeB ? bShape[rb - 2] : bShape[rb - 1];
  if (ka !== kb) return null;
  if (ra === 2 && rb === 2) return { outShape: [m, n], m, n, k: ka, batchA: ONE, batchB: ONE };
  let outBatch: number[];
  try {
    outBatch = tf.backend_util.assertAndGetBroadcastShape(aShape.slice(0, -2), bShape.slice(0, -2));
  } catch {
    return null;
  }
  return {
    outShape: [...outBatch, m, n],
    m,
    n,
    k: ka,
    batchA: broadcastIndex(aShape.slice(0, -2), outBatch),
    batchB: broadcastIndex(bShape.slice(0, -2), outBatch),
  };
}

/**
 * Computes `out = op(A) · op(B)` (or `+=` when `beta` is 1) for every batch.
 *
 * @param lib The CBLAS.
 * @param plan The resolved dimensions.
 * @param a A's values.
 * @param b B's values.
 * @param transposeA Whether A is transposed.
 * @param transposeB Whether B is transposed.
 * @param out Output values, `[batch, m, n]`.
 * @param beta 0 to overwrite `out`, 1 to add to it.
 */
export function matMulInto(
  lib: Blas,
  plan: MatMulPlan,
  a: Float32Array,
  b: Float32Array,
  transposeA: boolean,
  transposeB: boolean,
  out: Float32Array,
  beta: number,
): void {
  const { m, n, k, batchA, batchB } = plan;
  const batches = batchA.length;
  const lda = transposeA ? m : k;
  const ldb = transposeB ? k : n;
  const bConstant = batchB.every((v) => v === 0);
  const aSequential = batchA.every((v, i) => v === i);
  if (!transposeA && bConstant && aSequential) {
    lib.sgemm(false, transposeB, batches * m, n, k, 1, a, lda, b, ldb, beta, out, n);
    return;
  }
  for (let i = 0; i < batches; i++) {
    const aView = a.subarray(batchA[i] * m * k, (batchA[i] + 1) * m * k);
    const bView = b.subarray(batchB[i] * k * n, (batchB[i] + 1) * k * n);
    const cView = out.subarray(i * m * n, (i + 1) * m * n);
    lib.sgemm(transposeA, transposeB, m, n, k, 1, aView, lda, bView, ldb, beta, cView, n);
  }
}

/**
 * The BatchMatMul kernel (`tf.matMul` on any rank ≥ 2) through `cblas_sgemm`;
 * falls back to the `cpu` kernel for non-float32 or empty operands, or
 * without BLAS.
 *
 * @param args The kernel's inputs `{a, b}`, attrs `{transposeA, transposeB}`.
 * @returns The product.
 */
export function batchMatMul(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const a = need(args, "a");
  const b = need(args, "b");
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  const lib = blas();
  const av = f32(backend, a);
  const bv = f32(backend, b);
  const plan = planMatMul(a.shape, b.shape, transposeA, transposeB);
  if (lib === null || av === null || bv === null || plan === null || plan.k === 0) {
    return fallback(tf.BatchMatMul, args);
  }
  const out = allocate(plan.batchA.length * plan.m * plan.n);
  if (out.length > 0) matMulInto(lib, plan, av, bv, transposeA, transposeB, out, 0);
  return output(backend, plan.outShape, out);
}
