/**
 * Element-wise unary kernels as tight typed-array loops: activations (Relu,
 * Relu6, LeakyRelu, Elu, Sigmoid, Tanh), the pieces their gradients are built
 * from in TensorFlow.js (Step for Relu's, EluGrad, Square), and Exp, Log,
 * Sqrt, Rsqrt, Neg, Abs. Non-float32 inputs go to the `cpu` kernels.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { allocate } from "../_buffer_pool.ts";
import {
  cpuBackend,
  f32,
  fallback,
  type KernelArgs,
  type KernelResult,
  need,
  output,
} from "./_util.ts";

type UnaryLoop = (x: Float32Array, out: Float32Array, attrs: Record<string, unknown>) => void;

function unaryKernel(kernelName: string, loop: UnaryLoop): (args: KernelArgs) => KernelResult {
  return (args) => {
    const backend = cpuBackend(args);
    const x = need(args, "x");
    const xv = f32(backend, x);
    if (xv === null) return fallback(kernelName, args);
    const out = allocate(xv.length);
    loop(xv, out, (args.attrs ?? {}) as Record<string, unknown>);
    return output(backend, x.shape, out);
  };
}

/**
 * The Relu kernel: `max(0, x)`, NaN kept. Computed branch-free as
 * `(x + |x|) / 2` (exact for every finite float32, and 2-5x faster than a
 * compare on data of random sign); `-Infinity`, the one input that formula
 * gets wrong, is tested separately.
 */
export const reluKernel: (args: KernelArgs) => KernelResult = unaryKernel(tf.Relu, (x, out) => {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v === -Infinity ? 0 : (v + Math.abs(v)) * 0.5;
  }
});

/** The Relu6 kernel: `min(max(0, x), 6)`. */
export const relu6Kernel: (args: KernelArgs) => KernelResult = unaryKernel(tf.Relu6, (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = Math.min(Math.max(0, x[i]), 6);
});

/** The LeakyRelu kernel: `x < 0 ? alpha·x : x`. */
export const leakyReluKernel: (args: KernelArgs) => KernelResult = unaryKernel(
  tf.LeakyRelu,
  (x, out, attrs) => {
    const alpha = attrs.alpha as number;
    for (let i = 0; i < x.length; i++) out[i] = x[i] < 0 ? alpha * x[i] : x[i];
  },
);

/** The Elu kernel: `x ≥ 0 ? x : eˣ − 1`. */
export const eluKernel: (args: KernelArgs) => KernelResult = unaryKernel(tf.Elu, (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = x[i] >= 0 ? x[i] : Math.exp(x[i]) - 1;
});

/** The Sigmoid kernel: `1 / (1 + e⁻ˣ)`. */
export const sigmoidKernel: (args: KernelArgs) => KernelResult = unaryKernel(
  tf.Sigmoid,
  (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
  },
);

/** The Tanh kernel. */
export const tanhKernel: (args: KernelArgs) => KernelResult = unaryKernel(tf.Tanh, (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]);
});

/**
 * The Step kernel (Relu's gradient mask): `x > 0 ? 1 : alpha`, NaN kept;
 * branch-free through the comparison's 0/1 value.
 */
export const stepKernel: (args: KernelArgs) => KernelResult = unaryKernel(
  tf.Step,
  (x, out, attrs) => {
    const alpha = (attrs.alpha as number | undefined) ?? 0;
    if (alpha === 0) {
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        out[i] = v !== v ? NaN : +(v > 0);
      }
      return;
    }
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const positive = +(v > 0);
      out[i] = v !== v ? NaN : positive + (1 - positive) * alpha;
    }
  },
);

/** The Square kernel: `x²`. */
export const squareKernel: (args: KernelArgs) => KernelResult = unaryKernel(tf.Square, (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = x[i] * x[i];
});

/** The Exp kernel. */
export const expKernel: (args: KernelArgs) => KernelResult = unaryKernel(tf.Exp, (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]);
});

/** The Log kernel. */
export const logKernel: (args: KernelArgs) => KernelResult = unaryKernel(tf.Log, (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]);
});

/** The Sqrt kernel. */
export const sqrtKernel: (args: KernelArgs) => KernelResult = unaryKernel(tf.Sqrt, (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]);
});

/** The Rsqrt kernel: `1 / √x`. */
export const rsqrtKernel: (args: KernelArgs) => KernelResult = unaryKernel(tf.Rsqrt, (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = 1 / Math.sqrt(x[i]);
});

/** The Neg kernel: `−x`. */
export const negKernel: (args: KernelArgs) => KernelResult = unaryKernel(tf.Neg, (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = -x[i];
});

/** The Abs kernel: `|x|`. */
export const absKernel: (args: KernelArgs) => KernelResult = unaryKernel(tf.Abs, (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]);
});

/**
 * The EluGrad kernel: `y ≥ 0 ? dy : dy · (y + 1)` from Elu's output `y`.
 *
 * @param args Inputs `{dy, y}`.
 * @returns The gradient with respect to Elu's input.
 */
export function eluGradKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const dy = need(args, "dy");
  const y = need(args, "y");
  const dyv = f32(backend, dy);
  const yv = f32(backend, y);
  if (dyv === null || yv === null || dyv.length !== yv.length) return fallback(tf.EluGrad, args);
  const out = allocate(yv.length);
  for (let i = 0; i < yv.length; i++) out[i] = yv[i] >= 0 ? dyv[i] : dyv[i] * (yv[i] + 1);
  return output(backend, y.shape, out);
}
