/**
 * kerno's scaled dot-product attention (the seam's `dotProductAttention`,
 * `engine/fused.ts`): the heads are read where the projections put them,
 * `[batch, steps, heads, dim]`, through the matrix product's leading
 * dimensions, so no transpose is ever made: the scores' products of every
 * sample and head, then their masked softmax in place (SIMD WebAssembly,
 * `tools/wasm/kernels.as`), then the outputs' products; each list of
 * products is shared with a second thread (`_blas_lane.ts`). The
 * gradient reuses the saved probabilities: `dV = Pᵀ·dO`, `dP = dO·Vᵀ`, the
 * softmax's gradient in place, `dQ = dS·K`, `dK = dSᵀ·Q`. The products
 * read the inputs and write the output and the gradients in the tensors'
 * own buffers (BLAS takes them as they are: nothing is staged); only the
 * probabilities, where the softmax runs, live in WebAssembly memory.
 * Declines (the
 * plain definition runs) on another backend, without BLAS, for other
 * dtypes, or a mask that does not fit.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { blas } from "./_blas.ts";
import { peek, workspace } from "./_wasm_workspace.ts";
import { allocate } from "./_buffer_pool.ts";
import { WASM_BASE64 as SHARED_KERNELS } from "./_kernels_shared_wasm.ts";

/** Whether the shapes and dtypes are the fused path's. */
function fits(
  query: tf.Tensor4D,
  key: tf.Tensor4D,
  value: tf.Tensor4D,
  keep: tf.Tensor4D | null,
): boolean {
  if (tf.getBackend() !== KERNO_BACKEND_NAME || blas() === null) return false;
  if ([query, key, value, keep].some((t) => t !== null && t.dtype !== "float32")) return false;
  const [batch, time, heads, dim] = query.shape;
  const [kb, steps, kh, kd] = key.shape;
  const [vb, vs, vh] = value.shape;
  if (kb !== batch || vb !== batch || kh !== heads || vh !== heads || kd !== dim || vs !== steps) {
    return false;
  }
  if (keep === null) return true;
  const want = [batch, heads, time, steps];
  return keep.shape[3] === steps && keep.shape.every((d, a) => d === 1 || d === want[a]);
}

/**
 * kerno's `dotProductAttention`, or `null` to let the plain definition run.
 *
 * @param query `[batch, T, heads, keyDim]`.
 * @param key `[batch, S, heads, keyDim]`.
 * @param value `[batch, S, heads, valueDim]`.
 * @param keep float32 0/1 broadcasting against `[batch, heads, T, S]`, or `null`.
 * @param scale The scores' factor.
 * @returns `[batch, T, heads, valueDim]`, or `null`.
 */
export function dotProductAttentionFused(
  query: tf.Tensor4D,
  key: tf.Tensor4D,
  value: tf.Tensor4D,
  keep: tf.Tensor4D | null,
  scale: number,
): tf.Tensor4D | null {
  if (!fits(query, key, value, keep)) return null;
  const [B, T, H, D] = query.shape;
  const S = key.shape[1];
  const Dv = value.shape[3];
  const recording = tf.engine().isTapeOn(); // (customGrad runs its function with the tape off)
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [q, k, v] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    if (recording) save([q, k, v]); // read again by the gradient
    const w = attend(
      { B, T, S, H, D, Dv, scale, keep, recording },
      [q, k, v],
      [{ input: 0, offset: 0, stride: H * D }, { input: 1, offset: 0, stride: H * D }, {
        input: 2,
        offset: 0,
        stride: H * Dv,
      }],
    );
    const result = tf.tensor4d(w.out, [B, T, H, Dv]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [d0, d1, d2] = w.backward(dy as tf.Tensor, saved);
      return [
        tf.tensor4d(d0, [B, T, H, D]),
        tf.tensor4d(d1, [B, S, H, D]),
        tf.tensor4d(d2, [B, S, H, Dv]),
      ];
    };
    return { value: result, gradFunc };
  });
  return run(query, key, value) as tf.Tensor4D;
}

/**
 * kerno's `packedSelfAttention`, or `null`: the query, key and value of a
 * self-attention read from one `[batch, T, 3, heads, dim]` tensor (one
 * projection made all three) at their offsets, and their gradients written
 * into one tensor of that layout.
 *
 * @param qkv `[batch, T, 3, heads, dim]`: query, key and value along axis 2.
 * @param keep float32 0/1 broadcasting against `[batch, heads, T, T]`, or `null`.
 * @param scale The scores' factor.
 * @returns `[batch, T, heads, dim]`, or `null`.
 */
export function packedSelfAttentionFused(
  qkv: tf.Tensor5D,
  keep: tf.Tensor4D | null,
  scale: number,
): tf.Tensor4D | null {
  const [B, T, three, H, D] = qkv.shape;
  if (three !== 3 || tf.getBackend() !== KERNO_BACKEND_NAME || blas() === null) return null;
  if (qkv.dtype !== "float32" || (keep !== null && keep.dtype !== "float32")) return null;
  const want = [B, H, T, T];
  if (
    keep !== null && !(keep.shape[3] === T && keep.shape.every((d, a) => d === 1 || d === want[a]))
  ) {
    return null;
  }
  const recording = tf.engine().isTapeOn(); // (customGrad runs its function with the tape off)
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const packed = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    if (recording) save([packed]); // read again by the gradient
    const stride = 3 * H * D;
    const w = attend(
      { B, T, S: T, H, D, Dv: D, scale, keep, recording },
      [packed],
      [{ input: 0, offset: 0, stride }, { input: 0, offset: H * D, stride }, {
        input: 0,
        offset: 2 * H * D,
        stride,
      }],
    );
    const result = tf.tensor4d(w.out, [B, T, H, D]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [grad] = w.backward(dy as tf.Tensor, saved);
      return [tf.tensor5d(grad, [B, T, 3, H, D])];
    };
    return { value: result, gradFunc };
  });
  return run(qkv) as tf.Tensor4D;
}

/** The sizes of one attention. */
interface Geometry {
  B: number;
  T: number;
  S: number;
  H: number;
  D: number;
  Dv: number;
  scale: number;
  keep: tf.Tensor4D | null;
  /** Whether a gradient tape records the call (read before `customGrad`, which turns it off). */
  recording: boolean;
}

/** Where the query, the key or the value of head 0, sample 0, step 0 sits: input, offset, row stride. */
interface Place {
  input: number;
  offset: number;
  stride: number;
}

/** The attention's output, and its backward pass. */
interface Attended {
  /** The output, `[B, T, H, Dv]`, in a buffer of kerno's pool. */
  out: Float32Array;
  /**
   * The gradients of the inputs (buffers of kerno's pool, each laid out as
   * its input) from the output's; `saved` are the inputs, kept alive by
   * the tape. Releases the saved probabilities.
   */
  backward(dy: tf.Tensor, saved: tf.Tensor[]): Float32Array[];
}

/**
 * The forward pass: per sample and head the scores' product, the masked
 * softmax in place and the output's product. The products read the
 * inputs and write the output where the tensors keep them (BLAS takes
 * their buffers as they are); only the probabilities, kept for the
 * gradient, and the mask live in a pooled WebAssembly workspace, where
 * the softmax runs. `backward` runs the gradient from the saved
 * probabilities, writing each input's gradient into a new buffer laid out
 * as that input. Outside a gradient tape the workspace is released at once.
 */
function attend(g: Geometry, inputs: tf.Tensor[], places: [Place, Place, Place]): Attended {
  const { B, T, S, H, D, Dv, scale, keep, recording } = g;
  const lib = blas()!;
  const keepValues = keep === null ? null : keep.dataSync() as Float32Array;
  const [kb, kh, kt] = keep === null ? [1, 1, 1] : keep.shape;
  const w = workspace(SHARED_KERNELS, {
    keep: keepValues?.length ?? 0,
    p: B * H * T * S, // the probabilities, kept for the gradient
    dp: B * H * T * S,
  });
  const { f32, at } = w;
  if (keepValues !== null) f32.set(keepValues, at.keep);
  const [pq, pk, pv] = places;
  // Where sample b's head h starts in each array (floats), and the row strides.
  const rowsOf = (b: number, h: number) => ({
    q: pq.offset + b * T * pq.stride + h * D,
    k: pk.offset + b * S * pk.stride + h * D,
    v: pv.offset + b * S * pv.stride + h * Dv,
    p: at.p + (b * H + h) * T * S,
    dp: at.dp + (b * H + h) * T * S,
    out: (b * T * H + h) * Dv,
  });
  // The query's, the key's and the value's arrays among arrays given one per input.
  const placed = <A>(arrays: A[]): [A, A, A] => [
    arrays[pq.input],
    arrays[pk.input],
    arrays[pv.input],
  ];
  const [xq, xk, xv] = placed(inputs.map((t) => peek(t)));
  const out = allocate(B * T * H * Dv);
  const [lq, lk, lv] = [pq.stride, pk.stride, pv.stride];
  const keepAt = (b: number, h: number) =>
    keepValues === null
      ? 0
      : (at.keep + ((kb === 1 ? 0 : b) * kh + (kh === 1 ? 0 : h)) * kt * S) * 4;
  // Every sample's and head's scores, then their softmax, then their outputs:
  // each phase is one list of tasks, shared between two threads.
  const products = lib.productList();
  const phase = (task: (o: ReturnType<typeof rowsOf>, b: number, h: number) => void) => {
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) task(rowsOf(b, h), b, h);
    }
    products.run();
  };
  phase((o) => products.add(false, true, T, S, D, scale, xq, o.q, lq, xk, o.k, lk, 0, f32, o.p, S));
  phase((o, b, h) =>
    products.call(w, "softmaxRows", [o.p * 4, T, S, keepAt(b, h), kt === 1 ? 0 : S])
  );
  phase((o) =>
    products.add(false, false, T, Dv, S, 1, f32, o.p, S, xv, o.v, lv, 0, out, o.out, H * Dv)
  );
  if (!recording) w.release(); // no gradient will ask for the probabilities
  return {
    out,
    backward(dy: tf.Tensor, saved: tf.Tensor[]) {
      if (w.released) {
        throw new Error("The attention's probabilities were released before its gradient ran");
      }
      try {
        const [yq, yk, yv] = placed(saved.map((t) => peek(t)));
        const grads = inputs.map((t) => allocate(t.size));
        const [gq, gk, gv] = placed(grads);
        const dOut = peek(dy);
        const ldo = H * Dv;
        phase((o) => {
          products.add(false, true, T, S, Dv, 1, dOut, o.out, ldo, yv, o.v, lv, 0, f32, o.dp, S);
          products.add(true, false, S, Dv, T, 1, f32, o.p, S, dOut, o.out, ldo, 0, gv, o.v, lv);
        });
        phase((o) => products.call(w, "softmaxGradRows", [o.p * 4, o.dp * 4, T, S, scale]));
        phase((o) => {
          products.add(false, false, T, D, S, 1, f32, o.dp, S, yk, o.k, lk, 0, gq, o.q, lq);
          products.add(true, false, S, D, T, 1, f32, o.dp, S, yq, o.q, lq, 0, gk, o.k, lk);
        });
        return grads;
      } finally {
        w.release();
      }
    },
  };
}
