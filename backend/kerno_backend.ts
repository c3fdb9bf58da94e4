/**
 * kerno's fast CPU backend: TensorFlow.js's `cpu` backend (same storage, same
 * kernels) with the hot kernels replaced — matrix products and convolutions
 * through the system CBLAS, tight typed-array loops for element-wise ops,
 * reductions, pooling, gathers — registered under the name `"kerno"`, with
 * its fused operations and update rules (`fused_ops.ts`) registered at the
 * seam (`engine/fused.ts`).
 *
 * Importing this module registers the backend and its kernels; it loads no
 * library and needs no permission. BLAS is opened on the first matrix
 * product; without it those kernels run the `cpu` backend's code.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { KERNO_KERNELS } from "./kernels/kernel_table.ts";
import { registerMeanGradient } from "./mean_grad.ts";
import { blas } from "./_blas.ts";
import { noteEscaped, noteStored, release } from "./_buffer_pool.ts";
import { registerKernoFusedOps } from "./fused_ops.ts";

/** The name kerno's backend is registered under. */
export const KERNO_BACKEND_NAME = "kerno";

/**
 * kerno's backend: a `MathBackendCPU` whose hot kernels are kerno's own.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { registerKernoBackend } from "./kerno_backend.ts";
 * registerKernoBackend();
 * await tf.setBackend("kerno");
 * tf.matMul(tf.ones([2, 3]), tf.ones([3, 4])).dispose();
 * await tf.setBackend("cpu");
 * ```
 */
export class KernoBackend extends MathBackendCPU {
  /**
   * Stores values as a new tensor's data, telling the buffer pool.
   *
   * @param values The values.
   * @param shape The shape.
   * @param dtype The dtype.
   * @returns The new data id.
   */
  override write(
    values: tf.backend_util.BackendValues,
    shape: number[],
    dtype: tf.DataType,
  ): tf.DataId {
    noteStored(values);
    return super.write(values, shape, dtype);
  }

  /**
   * Takes over values moved from another backend, telling the buffer pool.
   *
   * @param dataId The data id.
   * @param values The values.
   * @param shape The shape.
   * @param dtype The dtype.
   * @param refCount The reference count.
   */
  override move(
    dataId: tf.DataId,
    values: tf.backend_util.BackendValues,
    shape: number[],
    dtype: tf.DataType,
    refCount: number,
  ): void {
    noteStored(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  /**
   * Reads a tensor's values; they leave the backend, so they are never recycled.
   *
   * @param dataId The data id.
   * @returns The values (not copied).
   */
  override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
    const values = super.readSync(dataId);
    noteEscaped(values);
    return values;
  }

  /**
   * Releases a tensor's data, recycling kerno's own output buffers.
   *
   * @param dataId The data id.
   * @param force Release regardless of the reference count.
   * @returns Whether the data was released.
   */
  override disposeData(dataId: tf.DataId, force = false): boolean {
    const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    const result = super.disposeData(dataId, force);
    if (values !== undefined && !this.data.has(dataId)) release(values);
    return result;
  }

  /**
   * The CBLAS library the matrix kernels use.
   *
   * @returns Its name or path, or `null` when the kernels fall back to
   *   JavaScript.
   */
  blasPath(): string | null {
    return blas()?.path ?? null;
  }
}

/**
 * Registers the `"kerno"` backend and its kernels with TensorFlow.js: every
 * kernel of the `cpu` backend, then kerno's replacements. Safe to call more
 * than once.
 */
export function registerKernoBackend(): void {
  if (tf.findBackendFactory(KERNO_BACKEND_NAME) === null) {
    tf.registerBackend(KERNO_BACKEND_NAME, () => new KernoBackend(), 0);
  }
  registerKernoFusedOps(KERNO_BACKEND_NAME);
  registerMeanGradient();
  const replaced = new Map(KERNO_KERNELS.map((k) => [k.kernelName, k.kernelFunc]));
  for (const config of tf.getKernelsForBackend("cpu")) {
    if (replaced.has(config.kernelName)) continue;
    if (tf.getKernel(config.kernelName, KERNO_BACKEND_NAME) !== undefined) continue;
    tf.registerKernel({ ...config, backendName: KERNO_BACKEND_NAME });
  }
  for (const [kernelName, kernelFunc] of replaced) {
    if (tf.getKernel(kernelName, KERNO_BACKEND_NAME) !== undefined) {
      tf.unregisterKernel(kernelName, KERNO_BACKEND_NAME);
    }
    tf.registerKernel({
      kernelName,
      backendName: KERNO_BACKEND_NAME,
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
    });
  }
}

registerKernoBackend();
