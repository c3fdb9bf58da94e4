/**
 * Internal: one element-wise WGSL pass that rewrites a buffer of the
 * `webgpu` backend in place, through TensorFlow.js's program interface
 * (`WebGPUBackend.runWebGPUProgram` with an existing tensor as the output).
 * A program binds one writable buffer (`result`, read and written) and
 * read-only inputs, so an update rule that changes a variable and its slots
 * is a few such passes in a row, each over one buffer; they run in order on
 * the device, so a later pass reads what an earlier one wrote.
 *
 * Every tensor is bound as a flat `[size]` view, so one pipeline serves
 * every variable whatever its shape (the backend's pipeline cache keys on
 * ranks, not sizes).
 *
 * @module
 */
import type { tf } from "../../engine/tf.ts";
import { tf as engine } from "../../engine/tf.ts";
import type { WebGPUBackend, WebGPUProgram } from "@tensorflow/tfjs-backend-webgpu";

/** The threads per workgroup of every update pass. */
const WORKGROUP = 64;

/** One update pass: its inputs' names, its scalars and its WGSL statement. */
export interface UpdatePass {
  /** A unique name, part of the pipeline's cache key (`"adam_m"`). */
  name: string;
  /** The read-only inputs' WGSL names, capitalised (`["G", "M"]`). */
  inputs: string[];
  /** The scalars' names, read in WGSL as `uniforms.<name>` (f32). */
  scalars: string[];
  /**
   * WGSL statements for one element `i`: `r` holds the written buffer's
   * current value and `X[i]` each input's; assign the new value to `r`.
   */
  body: string;
}

/** `WebGPUProgram` for one {@link UpdatePass} over `size` values. */
class UpdateProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms: string;
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  size = true;
  #body: string;

  constructor(pass: UpdatePass, size: number) {
    this.outputShape = [size];
    this.dispatch = [Math.ceil(size / WORKGROUP), 1, 1];
    this.variableNames = pass.inputs;
    this.uniforms = pass.scalars.map((s) => `${s} : f32,`).join(" ");
    this.shaderKey = `kerno_update_${pass.name}`;
    this.#body = pass.body;
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let i = index;
          var r = result[i];
          ${this.#body}
          result[i] = r;
        }
      }`;
  }
}

/**
 * The active `webgpu` backend, or `null` when another backend is active.
 *
 * @returns The backend.
 */
export function webgpuBackend(): WebGPUBackend | null {
  if (engine.getBackend() !== "webgpu") return null;
  return engine.backend() as unknown as WebGPUBackend;
}

/**
 * Whether a set of tensors can be updated in place on the `webgpu` backend:
 * all float32 of the same size, each written one held by no other tensor
 * (a clone shares its storage), no written one also read.
 *
 * @param backend The backend.
 * @param written The tensors to rewrite.
 * @param read The tensors only read.
 * @returns `true` when the passes may run.
 */
export function canUpdateInPlace(
  backend: WebGPUBackend,
  written: tf.Tensor[],
  read: tf.Tensor[],
): boolean {
  const size = written[0].size;
  const all = [...written, ...read];
  if (all.some((t) => t.isDisposed || t.dtype !== "float32" || t.size !== size)) return false;
  if (!all.every((t) => backend.tensorMap.has(t.dataId))) return false;
  if (written.some((t) => backend.refCount(t.dataId) !== 1)) return false;
  const ids = new Set(written.map((t) => t.dataId));
  return ids.size === written.length && read.every((t) => !ids.has(t.dataId));
}

/**
 * Runs one pass: rewrites `output`'s storage in place from its own values,
 * `inputs` and `scalars`. Check {@link canUpdateInPlace} first.
 *
 * @param backend The backend.
 * @param pass The pass.
 * @param output The tensor rewritten (a variable or a slot).
 * @param inputs The tensors read, in `pass.inputs`'s order.
 * @param scalars The scalars' values, in `pass.scalars`'s order.
 */
export function runPass(
  backend: WebGPUBackend,
  pass: UpdatePass,
  output: tf.Tensor,
  inputs: tf.Tensor[],
  scalars: number[],
): void {
  const flat = (t: tf.Tensor): tf.TensorInfo => ({
    dataId: t.dataId,
    shape: [t.size],
    dtype: t.dtype,
  });
  const program = new UpdateProgram(pass, output.size);
  const uniforms = scalars.map((v) => ({ type: "float32", data: [v] }));
  backend.runWebGPUProgram(program, inputs.map(flat), "float32", uniforms, flat(output));
  // A value read earlier (`await data()`) is cached on the host: it is stale now.
  const entry = backend.tensorMap.get(output.dataId);
  if (entry.resource != null) entry.values = null as unknown as typeof entry.values;
}
