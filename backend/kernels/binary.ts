/**
 * Element-wise binary kernels (Add, Sub, Multiply, RealDiv, Maximum, Minimum,
 * SquaredDifference) as tight typed-array loops over a two-part view of the
 * broadcast (same shape, scalar, row, column, outer product); other
 * broadcasts and non-float32 operands go to the `cpu` kernels.
 *
 * Maximum and Minimum are branch-free selects, `p·b + (1 − p)·a` with `p` the
 * comparison's 0/1 — exact for finite operands and several times faster than
 * `Math.max` on data of random order; infinities and NaN, where the product
 * gives NaN, take `Math.max` / `Math.min`.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { allocate } from "../_buffer_pool.ts";
import { blas } from "../_blas.ts";
import {
  type BroadcastPlan,
  groupBroadcast,
  type GroupedBroadcast,
  planBroadcast,
} from "./_broadcast.ts";
import {
  cpuBackend,
  f32,
  fallback,
  type KernelArgs,
  type KernelResult,
  need,
  output,
} from "./_util.ts";

type Loop = (a: Float32Array, b: Float32Array, out: Float32Array, p: BroadcastPlan) => void;

// The loops below repeat one shape on purpose. One shared loop taking the
// operation as a function made the call in the inner loop megamorphic (V8
// stops inlining it once it has seen several operations): 7× slower on
// [64,128] + [64,128] and [256,1024] + [1024] (13.7 → 100 µs, 0.43 → 3.1 ms per
// op). One loop switching on an operation code was 1.5× slower (13.7 → 20 µs).
// Measured on Deno 2.9 with Add, Sub, Multiply and Maximum sharing the loop.

const add: Loop = (a, b, out, p) => {
  const { outer, inner, aOuter, aInner, bOuter, bInner } = p;
  let o = 0;
  for (let i = 0; i < outer; i++) {
    let ai = i * aOuter;
    let bi = i * bOuter;
    for (let j = 0; j < inner; j++, ai += aInner, bi += bInner) out[o++] = a[ai] + b[bi];
  }
};

const sub: Loop = (a, b, out, p) => {
  const { outer, inner, aOuter, aInner, bOuter, bInner } = p;
  let o = 0;
  for (let i = 0; i < outer; i++) {
    let ai = i * aOuter;
    let bi = i * bOuter;
    for (let j = 0; j < inner; j++, ai += aInner, bi += bInner) out[o++] = a[ai] - b[bi];
  }
};

const mul: Loop = (a, b, out, p) => {
  const { outer, inner, aOuter, aInner, bOuter, bInner } = p;
  let o = 0;
  for (let i = 0; i < outer; i++) {
    let ai = i * aOuter;
    let bi = i * bOuter;
    for (let j = 0; j < inner; j++, ai += aInner, bi += bInner) out[o++] = a[ai] * b[bi];
  }
};

const div: Loop = (a, b, out, p) => {
  const { outer, inner, aOuter, aInner, bOuter, bInner } = p;
  let o = 0;
  for (let i = 0; i < outer; i++) {
    let ai = i * aOuter;
    let bi = i * bOuter;
    for (let j = 0; j < inner; j++, ai += aInner, bi += bInner) out[o++] = a[ai] / b[bi];
  }
};

const max: Loop = (a, b, out, p) => {
  const { outer, inner, aOuter, aInner, bOuter, bInner } = p;
  let o = 0;
  for (let i = 0; i < outer; i++) {
    let ai = i * aOuter;
    let bi = i * bOuter;
    for (let j = 0; j < inner; j++, ai += aInner, bi += bInner) {
      const x = a[ai];
      const y = b[bi];
      const pick = +(y > x);
      const m = pick * y + (1 - pick) * x;
      out[o++] = m === m ? m : Math.max(x, y);
    }
  }
};

const min: Loop = (a, b, out, p) => {
  const { outer, inner, aOuter, aInner, bOuter, bInner } = p;
  let o = 0;
  for (let i = 0; i < outer; i++) {
    let ai = i * aOuter;
    let bi = i * bOuter;
    for (let j = 0; j < inner; j++, ai += aInner, bi += bInner) {
      const x = a[ai];
      const y = b[bi];
      const pick = +(y < x);
      const m = pick * y + (1 - pick) * x;
      out[o++] = m === m ? m : Math.min(x, y);
    }
  }
};

const squaredDifference: Loop = (a, b, out, p) => {
  const { outer, inner, aOuter, aInner, bOuter, bInner } = p;
  let o = 0;
  for (let i = 0; i < outer; i++) {
    let ai = i * aOuter;
    let bi = i * bOuter;
    for (let j = 0; j < inner; j++, ai += aInner, bi += bInner) {
      const d = a[ai] - b[bi];
      out[o++] = d * d;
    }
  }
};

/** A loop over two operands of one shape (no broadcast). */
type SameShapeLoop = (a: Float32Array, b: Float32Array, out: Float32Array) => void;

// Operands of one shape, the most common case in a training step (residual
// adds, gradients summed where a tensor feeds several layers): one flat
// index, 1.4× faster than the strided loop on [32, 80, 64].
const addSame: SameShapeLoop = (a, b, out) => {
  for (let i = 0; i < out.length; i++) out[i] = a[i] + b[i];
};

const mulSame: SameShapeLoop = (a, b, out) => {
  for (let i = 0; i < out.length; i++) out[i] = a[i] * b[i];
};

/**
 * Add and Sub of at least this many floats go through `cblas_saxpy` (the
 * output a copy of one operand, then `out += ±other`, SIMD in the library):
 * on [32, 80, 64] 57-63 µs against the loop's 120-130. The bits are the
 * loop's: `a + 1·b` and `a + (−1)·b` round exactly as `a + b` and `a − b`.
 */
const AXPY_FROM = 1 << 14;
/** A row broadcast takes `cblas_saxpy` once per row only from this row length (a call costs ~0.1 µs). */
const AXPY_ROW_FROM = 1024;

/**
 * `a ± b` through `cblas_saxpy` when the operands have one shape, or one is
 * a contiguous row repeated over the other (a position embedding added to
 * every sample); `null` when neither holds, the sizes are small, or no
 * `saxpy` was loaded.
 */
function axpyPath(
  sign: 1 | -1,
  av: Float32Array,
  bv: Float32Array,
  same: boolean,
  plan: BroadcastPlan | null,
): Float32Array | null {
  const axpy = blas()?.axpy;
  if (axpy === undefined || axpy === null) return null;
  if (same) {
    if (av.length < AXPY_FROM) return null;
    const out = allocate(av.length);
    out.set(av);
    axpy(sign, bv, out);
    return out;
  }
  if (plan === null || plan.inner < AXPY_ROW_FROM || plan.outer * plan.inner < AXPY_FROM) {
    return null;
  }
  const { outer, inner } = plan;
  const full = (o: number, i: number) => i === 1 && o === inner;
  const row = (o: number, i: number) => i === 1 && o === 0;
  // out = full, then out_row += ±row (Sub only with the row on the right).
  let base: Float32Array;
  let rep: Float32Array;
  if (full(plan.aOuter, plan.aInner) && row(plan.bOuter, plan.bInner)) {
    [base, rep] = [av, bv];
  } else if (sign === 1 && row(plan.aOuter, plan.aInner) && full(plan.bOuter, plan.bInner)) {
    [base, rep] = [bv, av];
  } else {
    return null;
  }
  const out = allocate(outer * inner);
  out.set(base.subarray(0, outer * inner));
  const r = rep.subarray(0, inner);
  for (let i = 0; i < outer; i++) axpy(sign, r, out.subarray(i * inner, (i + 1) * inner));
  return out;
}

function binaryKernel(
  kernelName: string,
  loop: Loop,
  same?: SameShapeLoop,
  axpySign?: 1 | -1,
): (args: KernelArgs) => KernelResult {
  return (args) => {
    const backend = cpuBackend(args);
    const a = need(args, "a");
    const b = need(args, "b");
    const av = f32(backend, a);
    const bv = f32(backend, b);
    if (av === null || bv === null) return fallback(kernelName, args);
    const sameShape = av.length === bv.length && tf.util.arraysEqual(a.shape, b.shape);
    const plan = sameShape ? null : planBroadcast(a.shape, b.shape);
    if (axpySign !== undefined) {
      const out = axpyPath(axpySign, av, bv, sameShape, plan);
      if (out !== null) return output(backend, sameShape ? a.shape : plan!.outShape, out);
    }
    if (same !== undefined && sameShape) {
      const out = allocate(av.length);
      same(av, bv, out);
      return output(backend, a.shape, out);
    }
    if (plan !== null || sameShape) {
      const p = plan ?? planBroadcast(a.shape, b.shape)!;
      const out = allocate(p.outer * p.inner);
      loop(av, bv, out, p);
      return output(backend, p.outShape, out);
    }
    const grouped = groupBroadcast(a.shape, b.shape);
    if (grouped === null || grouped.sizes.length < 3) return fallback(kernelName, args);
    return output(backend, grouped.outShape, loopGroups(av, bv, grouped, loop));
  };
}

/**
 * A broadcast of three or more groups (a middle axis broadcast, as a
 * mean's gradient over time): the innermost two groups as one plan, run
 * once per index of the outer groups on views of the operands.
 */
function loopGroups(
  a: Float32Array,
  b: Float32Array,
  g: GroupedBroadcast,
  loop: Loop,
): Float32Array {
  const n = g.sizes.length;
  const total = g.sizes.reduce((p, d) => p * d, 1);
  const out = allocate(total);
  const block = g.sizes[n - 2] * g.sizes[n - 1];
  const plan: BroadcastPlan = {
    outShape: g.outShape,
    outer: g.sizes[n - 2],
    inner: g.sizes[n - 1],
    aOuter: g.aStrides[n - 2],
    aInner: g.aStrides[n - 1],
    bOuter: g.bStrides[n - 2],
    bInner: g.bStrides[n - 1],
  };
  const idx = new Array<number>(n - 2).fill(0);
  let ao = 0;
  let bo = 0;
  for (let o = 0; o < total; o += block) {
    loop(a.subarray(ao), b.subarray(bo), out.subarray(o, o + block), plan);
    for (let d = n - 3; d >= 0; d--) {
      idx[d]++;
      ao += g.aStrides[d];
      bo += g.bStrides[d];
      if (idx[d] < g.sizes[d]) break;
      ao -= g.aStrides[d] * g.sizes[d];
      bo -= g.bStrides[d] * g.sizes[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** The Add kernel: `a + b`. */
export const addKernel: (args: KernelArgs) => KernelResult = binaryKernel(
  tf.Add,
  add,
  addSame,
  1,
);
/** The Sub kernel: `a - b`. */
export const subKernel: (args: KernelArgs) => KernelResult = binaryKernel(
  tf.Sub,
  sub,
  undefined,
  -1,
);
/** The Multiply kernel: `a * b`. */
export const multiplyKernel: (args: KernelArgs) => KernelResult = binaryKernel(
  tf.Multiply,
  mul,
  mulSame,
);
/** The RealDiv kernel: `a / b`. */
export const realDivKernel: (args: KernelArgs) => KernelResult = binaryKernel(tf.RealDiv, div);
/** The Maximum kernel: `max(a, b)`, NaN-propagating. */
export const maximumKernel: (args: KernelArgs) => KernelResult = binaryKernel(tf.Maximum, max);
/** The Minimum kernel: `min(a, b)`, NaN-propagating. */
export const minimumKernel: (args: KernelArgs) => KernelResult = binaryKernel(tf.Minimum, min);
/** The SquaredDifference kernel: `(a - b)²`. */
export const squaredDifferenceKernel: (args: KernelArgs) => KernelResult = binaryKernel(
  tf.SquaredDifference,
  squaredDifference,
);
