/**
 * Dense's product, bias and activation as one `_FusedMatMul` kernel while
 * gradients are recorded, on kerno's backend. TensorFlow.js's
 * `tf.fused.matMul` falls back to separate MatMul, Add and Relu kernels
 * under a gradient tape (and its linear form records a custom gradient that
 * always computes the input's gradient, reshaping to rank 3 around every
 * product); here the kernel itself is recorded, with a gradient whose parts
 * are computed only for the inputs that need one:
 * `dz = dy·step(y)` (relu) or `dy` (linear), `da = dz·bᵀ`, `db = aᵀ·dz`,
 * `dbias = Σ_rows dz` — the same values as the unfused path, relu's `dz`
 * and `dbias` in one pass (`kernels/relu_bias_grad.ts`).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { RELU_BIAS_GRAD } from "./kernels/relu_bias_grad.ts";

/** The activations the fused Dense path handles. */
export type DenseActivation = "relu" | "linear";

let registered = false;

function registerGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: tf._FusedMatMul,
    inputsToSave: ["a", "b"],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [a, b, y] = saved;
      const { transposeA, transposeB, activation } = attrs as {
        transposeA: boolean;
        transposeB: boolean;
        activation: string;
      };
      if (transposeA || transposeB || a.rank !== 2 || b.rank !== 2) {
        throw new RangeError(
          `Cannot differentiate _FusedMatMul recorded with transposes or rank ${a.rank}: only kerno's Dense path records it`,
        );
      }
      const d = dy as tf.Tensor2D;
      // relu: dz = dy·step(y) and the bias's gradient in one pass.
      const [dz, dBias] = activation === "relu"
        ? tf.engine().runKernel(RELU_BIAS_GRAD, { dy: d, y } as unknown as tf.NamedTensorMap) as [
          tf.Tensor,
          tf.Tensor,
        ]
        : activation === "linear" || activation === undefined
        ? [d, null]
        : [null, null];
      if (dz === null) {
        throw new RangeError(
          `Cannot differentiate _FusedMatMul with activation "${activation}": expected "relu" or "linear"`,
        );
      }
      return {
        a: () => tf.matMul(dz as tf.Tensor2D, b as tf.Tensor2D, false, true),
        b: () => tf.matMul(a as tf.Tensor2D, dz as tf.Tensor2D, true, false),
        // linear: the column sums as one product with a row of ones (a BLAS call, not a loop).
        bias: () =>
          dBias ?? tf.reshape(tf.matMul(tf.ones([1, dz.shape[0]]), dz as tf.Tensor2D), [-1]),
      };
    },
  });
}

/**
 * `activation(x · kernel + bias)` as one recorded kernel when kerno's
 * backend is active and gradients are being recorded; `null` otherwise (the
 * caller then uses `tf.fused.matMul`).
 *
 * @param x The inputs, `[rows, inFeatures]`.
 * @param kernel The weights, `[inFeatures, units]`.
 * @param bias The bias, `[units]`.
 * @param activation `"relu"` or `"linear"`.
 * @returns The output, `[rows, units]`, or `null`.
 */
export function denseMatMul(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  activation: DenseActivation,
): tf.Tensor2D | null {
  if (tf.getBackend() !== KERNO_BACKEND_NAME || !tf.engine().isTapeOn()) return null;
  if (x.dtype !== "float32" || kernel.dtype !== "float32" || bias.dtype !== "float32") return null;
  if (x.rank !== 2 || kernel.rank !== 2 || bias.rank !== 1) return null;
  if (x.shape[1] !== kernel.shape[0] || bias.shape[0] !== kernel.shape[1]) return null;
  registerGradient();
  return tf.engine().runKernel(
    tf._FusedMatMul,
    { a: x, b: kernel, bias } as unknown as tf.NamedTensorMap,
    { transposeA: false, transposeB: false, activation } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor2D;
}
