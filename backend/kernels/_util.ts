/**
 * Shared plumbing for kerno's kernels: typed access to the CPU backend's
 * storage, the `cpu` kernel to fall back to, and output creation.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";

/** The argument every TensorFlow.js kernel function receives. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** What a kernel function returns. */
export type KernelResult = tf.TensorInfo | tf.TensorInfo[];

/**
 * The backend a kernel runs on (kerno's backend is a `MathBackendCPU`).
 *
 * @param args The kernel's argument.
 * @returns The backend.
 */
export function cpuBackend(args: KernelArgs): MathBackendCPU {
  return args.backend as MathBackendCPU;
}

/**
 * Runs the `cpu` backend's kernel of the given name on the same arguments:
 * the path for the cases kerno's kernels do not specialise.
 *
 * @param kernelName The kernel's name, e.g. `"Add"`.
 * @param args The kernel's argument.
 * @returns The `cpu` kernel's result.
 */
export function fallback(kernelName: string, args: KernelArgs): KernelResult {
  const config = tf.getKernel(kernelName, "cpu");
  if (config === undefined) {
    throw new TypeError(`Cannot run ${kernelName} as the "cpu" backend has no such kernel`);
  }
  return config.kernelFunc(args);
}

/**
 * The live float32 storage of a tensor, or `null` when the tensor is not a
 * plain float32 tensor held by this backend.
 *
 * @param backend The backend holding the tensor.
 * @param t The tensor.
 * @returns Its values, shared (not copied), or `null`.
 */
export function f32(backend: MathBackendCPU, t: tf.TensorInfo | undefined): Float32Array | null {
  if (t === undefined || t.dtype !== "float32" || !backend.data.has(t.dataId)) return null;
  const values = backend.data.get(t.dataId).values;
  return values instanceof Float32Array ? values : null;
}

/**
 * Wraps a float32 array as the backend's output tensor.
 *
 * @param backend The backend.
 * @param shape The output's shape.
 * @param values Its values (owned by the tensor from now on).
 * @returns The tensor's info.
 */
export function output(
  backend: MathBackendCPU,
  shape: number[],
  values: Float32Array,
): tf.TensorInfo {
  return backend.makeTensorInfo(shape, "float32", values);
}

/**
 * The number of elements of a shape.
 *
 * @param shape The shape.
 * @returns The product of its dimensions (1 for a scalar).
 */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * A required input of a kernel.
 *
 * @param args The kernel's argument.
 * @param name The input's name, e.g. `"x"`.
 * @returns The input.
 */
export function need(args: KernelArgs, name: string): tf.TensorInfo {
  const t = args.inputs[name];
  if (t === undefined) throw new TypeError(`Cannot run the kernel as input "${name}" is missing`);
  return t;
}
