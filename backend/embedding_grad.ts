/**
 * kerno's `gatherGradient` (the seam's row-sparse gradient of a table
 * lookup, `engine/fused.ts`): once kerno's fused optimizer step keeps the
 * table in a WebAssembly arena (see `_wasm_arena.ts`), the gradient is
 * written straight into the arena's gradient region: only the looked-up
 * rows are written, the rest of the region is already zero, so the dense
 * `[inputDim, outputDim]` scatter never runs and the fused optimizer reads
 * the region without copying it. The result is marked row-sparse with the
 * rows it touched. The layer knows nothing of this: the arena and the
 * update that reads it are both the backend's. The sums are taken in the order of the
 * indices, as TensorFlow.js's ScatterNd does, so the values are identical.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { backendValues } from "./fused_updates.ts";
import { arenaOf } from "./_wasm_arena.ts";
import { markRowSparse } from "../engine/row_sparse.ts";

/**
 * The gradient of `gather(table, ids)` with respect to the table, as a
 * tensor stored in the table's arena, or `null` when that path does not
 * apply (another backend, the table not (yet) in an arena, the region still
 * stored by a live gradient, an index out of range): the caller then builds
 * the gradient with `tf.scatterND`.
 *
 * @param table The rank-2 table `[inputDim, outputDim]` (a trained variable).
 * @param ids The int32 indices, any shape.
 * @param dy The output's gradient, `[...ids.shape, outputDim]`, float32.
 * @returns The table's gradient, or `null`.
 */
export function embeddingGradient(
  table: tf.Tensor,
  ids: tf.Tensor,
  dy: tf.Tensor,
): tf.Tensor | null {
  if (tf.getBackend() !== KERNO_BACKEND_NAME || table.rank !== 2) return null;
  if (ids.dtype !== "int32" || dy.dtype !== "float32") return null;
  const values = backendValues(table);
  const arena = values === null ? undefined : arenaOf(values);
  if (arena === undefined) return null;
  const backend = tf.backend() as MathBackendCPU;
  if (!backend.data.has(ids.dataId) || !backend.data.has(dy.dataId)) return null;
  const idv = backend.data.get(ids.dataId).values;
  const dyv = backend.data.get(dy.dataId).values;
  if (!(idv instanceof Int32Array) || !(dyv instanceof Float32Array)) return null;
  const [height, width] = table.shape as [number, number];
  if (dyv.length !== idv.length * width || arena.gradient.length !== height * width) return null;
  for (let i = 0; i < idv.length; i++) if (idv[i] < 0 || idv[i] >= height) return null;
  let dataId: tf.DataId | null = null;
  const held = () => dataId !== null && backend.data.has(dataId);
  const g = arena.claimGradient(idv, width, held);
  if (g === null) return null;
  const touched = distinctRows(idv, height);
  addRows(g, dyv, idv, width);
  const out = tf.tensor(g, [height, width], "float32");
  dataId = out.dataId;
  if (backend.data.get(dataId).values !== g) {
    // Stored as a copy: the region is not shared, so it may be claimed again.
    dataId = null;
  }
  return markRowSparse(out, touched);
}

/**
 * `g[ids[i]] += rows[i]` for each row `i` of `width` floats, in the order of
 * `ids` (a repeated id sums in that order). Four rows at a time when their
 * ids differ, so that four rows' reads are in flight together: the table's
 * rows are scattered through memory, and one row at a time waits on each.
 */
function addRows(g: Float32Array, rows: Float32Array, ids: Int32Array, width: number): void {
  let i = 0;
  while (i < ids.length) {
    if (i + 4 <= ids.length) {
      const d0 = ids[i] * width, d1 = ids[i + 1] * width;
      const d2 = ids[i + 2] * width, d3 = ids[i + 3] * width;
      if (d0 !== d1 && d0 !== d2 && d0 !== d3 && d1 !== d2 && d1 !== d3 && d2 !== d3) {
        const s = i * width;
        for (let j = 0; j < width; j++) {
          g[d0 + j] += rows[s + j];
          g[d1 + j] += rows[s + width + j];
          g[d2 + j] += rows[s + 2 * width + j];
          g[d3 + j] += rows[s + 3 * width + j];
        }
        i += 4;
        continue;
      }
    }
    // A repeated id among the next four, or the last rows: one row, in order.
    const dst = ids[i] * width;
    const src = i * width;
    for (let j = 0; j < width; j++) g[dst + j] += rows[src + j];
    i++;
  }
}

let seen = new Uint8Array(0);

/** Each index of `ids` once, in first-seen order (one pass, a reused flag array). */
function distinctRows(ids: Int32Array, height: number): Int32Array {
  if (seen.length < height) seen = new Uint8Array(height);
  const rows = new Int32Array(ids.length);
  let n = 0;
  for (let i = 0; i < ids.length; i++) {
    const r = ids[i];
    if (seen[r] === 0) {
      seen[r] = 1;
      rows[n++] = r;
    }
  }
  for (let i = 0; i < n; i++) seen[rows[i]] = 0;
  return rows.subarray(0, n);
}
