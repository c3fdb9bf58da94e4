/**
 * Host values reach the GPU through the queue on TensorFlow.js's `webgpu`
 * backend: `queue.writeBuffer` into a pooled storage buffer, in place of
 * TensorFlow.js's own upload (a new staging buffer mapped at creation,
 * `getMappedRange`, a copy command).
 *
 * Why: on Deno, `getMappedRange` of a buffer mapped at creation waits for
 * the GPU. Measured on an NVIDIA H200 (`bench/gpu_check.sh`'s probe), it
 * took 0.9 ms a call in the benchmark's MLP and 4.5 ms in its transformer,
 * whose step makes 27 uploads (each batch, each step's scalars): 120 of the
 * step's 170 ms went there, the CPU and the GPU taking turns. A queued write
 * returns at once (12-18 µs a call there) and keeps the queue's order; with
 * it the transformer's step took 20-30 ms.
 *
 * Why it is safe: the write lands on the queue's timeline before the
 * commands recorded after it, and TensorFlow.js returns a buffer to its pool
 * only once no command that is recorded but not yet submitted uses it (it
 * defers such a tensor's disposal to the next submit). So a pooled buffer
 * written here is read by no earlier command, and every later command sees
 * the new values.
 *
 * `backend/select.ts` installs it on the backend when `webgpu` is selected.
 *
 * @module
 */
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";

/** What the upload touches of a tensor's entry in the backend's map. */
interface TensorEntry {
  dtype: string;
  shape: number[];
  values: ArrayLike<number> | null;
  resource: unknown;
}

/** The parts of TensorFlow.js's backend the upload uses (public there, untyped in part). */
interface UploadingBackend {
  tensorMap: { get(dataId: object): TensorEntry };
  bufferManager: { acquireBuffer(size: number, usage: number): GPUBuffer };
  queue: GPUQueue;
  uploadToGPU(dataId: object): void;
}

/** The storage buffers' usage, as TensorFlow.js gives it to a tensor's buffer. */
const STORAGE_USAGE = () =>
  GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

const installed = new WeakSet<object>();

/**
 * Replaces the backend's upload of host values by a queued write (see the
 * module's comment); calling it again on the same backend does nothing.
 *
 * @param backend The `webgpu` backend (`tf.backend()` while it is active).
 * @example
 * ```ts ignore
 * import { tf } from "../../engine/tf.ts";
 * import { installQueuedUploads } from "./queued_uploads.ts";
 * await tf.setBackend("webgpu");
 * installQueuedUploads(tf.backend() as never);
 * ```
 */
export function installQueuedUploads(backend: WebGPUBackend): void {
  if (installed.has(backend)) return;
  installed.add(backend);
  const b = backend as unknown as UploadingBackend;
  b.uploadToGPU = function queuedUpload(this: UploadingBackend, dataId: object): void {
    const entry = this.tensorMap.get(dataId);
    if (entry.resource != null) return; // already on the GPU
    const elements = entry.shape.reduce((n, d) => n * d, 1);
    const bytes = (entry.dtype === "complex64" ? 8 : 4) * elements;
    const buffer = this.bufferManager.acquireBuffer(bytes, STORAGE_USAGE());
    const values = entry.values;
    if (values != null) {
      if (elements > 0) {
        const data = entry.dtype === "float32"
          ? (values instanceof Float32Array ? values : Float32Array.from(values))
          : (values instanceof Int32Array ? values : Int32Array.from(values)); // int32, bool
        // offset and size in elements, for a typed array
        this.queue.writeBuffer(buffer, 0, data as Float32Array<ArrayBuffer>, 0, elements);
      }
      // as TensorFlow.js's own upload: once on the GPU, the host copy goes
      entry.values = null;
    }
    entry.resource = buffer;
  };
}

/**
 * Whether {@link installQueuedUploads} has replaced this backend's upload.
 *
 * @param backend The backend.
 * @returns `true` when uploads go through the queue.
 */
export function hasQueuedUploads(backend: object): boolean {
  return installed.has(backend);
}
