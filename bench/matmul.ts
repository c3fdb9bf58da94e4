/**
 * Raw matrix-product speed: `tf.matMul` on the active backend (kerno's
 * kernel) against `cblas_sgemm` called directly, in GFLOP/s.
 *
 * @module
 */
import { tf } from "../mod.ts";
import { blas } from "../backend/_blas.ts";

/** One size's result. */
export interface MatMulResult {
  /** The square size n (an n×n by n×n product). */
  size: number;
  /** GFLOP/s through `tf.matMul`. */
  kerno: number;
  /** GFLOP/s through `cblas_sgemm` directly, or `null` without BLAS. */
  direct: number | null;
}

/** Best seconds per call of `fn` over at least `minSeconds` (after one warm-up call). */
function bestSeconds(fn: () => void, minSeconds: number): number {
  fn();
  let best = Infinity;
  const start = performance.now();
  do {
    const t0 = performance.now();
    fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  } while ((performance.now() - start) / 1000 < minSeconds);
  return best;
}

/** {@link bestSeconds} for a call that must be awaited. */
async function bestSecondsAsync(fn: () => Promise<void>, minSeconds: number): Promise<number> {
  await fn();
  let best = Infinity;
  const start = performance.now();
  do {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  } while ((performance.now() - start) / 1000 < minSeconds);
  return best;
}

/**
 * Measures n×n matrix products.
 *
 * @param sizes The sizes. @default [256, 512, 1024, 2048]
 * @param minSeconds Time spent per size and method. @default 0.5
 * @returns GFLOP/s per size.
 */
export function benchMatMul(sizes = [256, 512, 1024, 2048], minSeconds = 0.5): MatMulResult[] {
  const lib = blas();
  return sizes.map((n) => {
    const flops = 2 * n * n * n;
    const a = tf.randomNormal([n, n]);
    const b = tf.randomNormal([n, n]);
    const kerno = bestSeconds(() => {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    }, minSeconds);
    let direct: number | null = null;
    if (lib !== null) {
      const av = Float32Array.from(a.dataSync() as Float32Array);
      const bv = Float32Array.from(b.dataSync() as Float32Array);
      const cv = new Float32Array(n * n);
      direct = bestSeconds(
        () => lib.sgemm(false, false, n, n, n, 1, av, n, bv, n, 0, cv, n),
        minSeconds,
      );
    }
    tf.dispose([a, b]);
    return {
      size: n,
      kerno: flops / kerno / 1e9,
      direct: direct === null ? null : flops / direct / 1e9,
    };
  });
}

/**
 * {@link benchMatMul} for a backend that reads asynchronously only (`webgpu`
 * on Deno): each product is read with `await data()`, and `cblas_sgemm`
 * (on the CPU) is timed beside it when a CBLAS opens.
 *
 * @param sizes The sizes. @default [256, 512, 1024, 2048]
 * @param minSeconds Time spent per size and method. @default 0.5
 * @returns GFLOP/s per size.
 */
export async function benchMatMulAsync(
  sizes = [256, 512, 1024, 2048],
  minSeconds = 0.5,
): Promise<MatMulResult[]> {
  const lib = blas();
  const results: MatMulResult[] = [];
  for (const n of sizes) {
    const flops = 2 * n * n * n;
    const a = tf.randomNormal([n, n]);
    const b = tf.randomNormal([n, n]);
    const kerno = await bestSecondsAsync(async () => {
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
    }, minSeconds);
    let direct: number | null = null;
    if (lib !== null) {
      const av = Float32Array.from(await a.data() as Float32Array);
      const bv = Float32Array.from(await b.data() as Float32Array);
      const cv = new Float32Array(n * n);
      direct = bestSeconds(
        () => lib.sgemm(false, false, n, n, n, 1, av, n, bv, n, 0, cv, n),
        minSeconds,
      );
    }
    tf.dispose([a, b]);
    results.push({
      size: n,
      kerno: flops / kerno / 1e9,
      direct: direct === null ? null : flops / direct / 1e9,
    });
  }
  return results;
}
