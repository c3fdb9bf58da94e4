/**
 * kerno's LSTM and GRU recurrences (the seam's `lstmSequence` and
 * `gruSequence`, `engine/fused.ts`): the whole sequence in one recorded
 * operation. The forward pass runs one `cblas_sgemm` per step for the
 * recurrence and the gate math in one pass over the step's values, keeping
 * the gates it computed; the gradient walks back through time with one
 * product per step for the state's gradient and a single product at the end
 * for the recurrent kernel's (`Σ_t h_{t−1}ᵀ·dz_t` as one `[units, batch·time]`
 * by `[batch·time, k·units]` product). A 200-step sequence makes a handful
 * of engine tensors, not thousands. The LSTM's gate math runs as 4-lane SIMD
 * WebAssembly (`tools/wasm/kernels.as`), in one memory that holds the
 * whole sequence's gates and states and that the products read and write
 * in place (`_wasm_workspace.ts`); the GRU's is a loop here. Declines (the plain loop of `tf` ops
 * runs) on another backend, without BLAS, or for other dtypes.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { blas } from "./_blas.ts";
import { peek, pooledCopy, workspace } from "./_wasm_workspace.ts";
import { WASM_BASE64 as KERNELS } from "./_kernels_wasm.ts";

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** `tanh` through one `exp` of a non-positive argument (no overflow): about 1.5× `Math.tanh`'s speed. */
const tanh = (v: number) => {
  const e = Math.exp(v >= 0 ? -2 * v : 2 * v);
  const t = (1 - e) / (1 + e);
  return v >= 0 ? t : -t;
};

/** Whether the fused path applies: kerno's backend, BLAS, float32 inputs. */
function applies(...ts: (tf.Tensor | null)[]): boolean {
  if (tf.getBackend() !== KERNO_BACKEND_NAME || blas() === null) return false;
  return ts.every((t) => t === null || t.dtype === "float32");
}

/** The mask as one byte per `[batch, time]`, or `null`. */
function maskBytes(mask: tf.Tensor2D | null): Uint8Array | null {
  if (mask === null) return null;
  const v = mask.dataSync();
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] ? 1 : 0;
  return out;
}

/**
 * kerno's `lstmSequence`, or `null` to let the plain definition run.
 *
 * @param xProj `[batch, time, 4·units]`.
 * @param recurrentKernel `[units, 4·units]`.
 * @param h0 `[batch, units]`.
 * @param c0 `[batch, units]`.
 * @param mask `[batch, time]`, or `null`.
 * @param zeroMaskedOutputs Zeros (not the previous output) at skipped steps.
 * @returns The outputs and the last hidden and cell states, or `null`.
 */
export function lstmSequenceFused(
  xProj: tf.Tensor3D,
  recurrentKernel: tf.Tensor2D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
  mask: tf.Tensor2D | null,
  zeroMaskedOutputs = false,
): [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D] | null {
  if (!applies(xProj, recurrentKernel, h0, c0)) return null;
  const [batch, time, width] = xProj.shape;
  const units = recurrentKernel.shape[0];
  if (width !== 4 * units || recurrentKernel.shape[1] !== width) return null;
  const keep = maskBytes(mask);
  const lib = blas()!;
  const G = 4 * units;
  const recording = tf.engine().isTapeOn(); // (customGrad runs its function with the tape off)
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, r, hInit, cInit] = args as tf.Tensor[];
    const rv = r.dataSync() as Float32Array;
    // pre: x · W + b + h · R per step, then the gates after activation (kept for the
    // gradient with the states before each step and tanh of each new cell); out: the
    // outputs, then the last hidden and cell states; d*: the gradient's.
    const steps = batch * time;
    const w = workspace(KERNELS, {
      pre: steps * G,
      hPrev: steps * units,
      cPrev: steps * units,
      tanhC: steps * units,
      out: batch * (time + 2) * units,
      h: batch * units,
      c: batch * units,
      prev: batch * units,
      keep: keep === null ? 0 : steps / 4,
      dOut: batch * (time + 2) * units,
      dPre: steps * G,
      dh: batch * units,
      dc: batch * units,
      dPrev: batch * units,
    });
    const { f32, at, fns } = w;
    f32.set(peek(x), at.pre);
    f32.set(hInit.dataSync() as Float32Array, at.h);
    f32.set(cInit.dataSync() as Float32Array, at.c);
    w.view("prev").fill(0);
    if (keep !== null) w.u8.set(keep, at.keep * 4);
    const keepAt = (t: number) => keep === null ? 0 : at.keep * 4 + t;
    const h = w.view("h");
    for (let t = 0; t < time; t++) {
      lib.sgemm(
        false,
        false,
        batch,
        G,
        units,
        1,
        h,
        units,
        rv,
        G,
        1,
        f32.subarray(at.pre + t * G),
        steps / batch * G,
      );
      fns.lstmForward(
        (at.pre + t * G) * 4,
        time * G,
        at.h * 4,
        at.c * 4,
        at.prev * 4,
        (at.hPrev + t * units) * 4,
        (at.cPrev + t * units) * 4,
        (at.tanhC + t * units) * 4,
        time * units,
        (at.out + t * units) * 4,
        (time + 2) * units,
        keepAt(t),
        time,
        batch,
        units,
        zeroMaskedOutputs ? 1 : 0,
      );
    }
    for (let b = 0; b < batch; b++) {
      const row = at.out + (b * (time + 2) + time) * units;
      f32.copyWithin(row, at.h + b * units, at.h + (b + 1) * units);
      f32.copyWithin(row + units, at.c + b * units, at.c + (b + 1) * units);
    }
    const value = tf.tensor3d(pooledCopy(w.view("out")), [batch, time + 2, units]);
    if (!recording) w.release(); // no gradient will ask for the saved gates
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      if (w.released) {
        throw new Error("The LSTM's saved gates were released before its gradient ran");
      }
      f32.set(peek(dy as tf.Tensor), at.dOut);
      w.view("dPrev").fill(0);
      for (let b = 0; b < batch; b++) {
        const row = at.dOut + (b * (time + 2) + time) * units;
        f32.copyWithin(at.dh + b * units, row, row + units);
        f32.copyWithin(at.dc + b * units, row + units, row + 2 * units);
      }
      const dh = w.view("dh");
      for (let t = time - 1; t >= 0; t--) {
        fns.lstmBackward(
          (at.dOut + t * units) * 4,
          (time + 2) * units,
          at.dPrev * 4,
          at.dh * 4,
          at.dc * 4,
          (at.pre + t * G) * 4,
          (at.dPre + t * G) * 4,
          time * G,
          (at.cPrev + t * units) * 4,
          (at.tanhC + t * units) * 4,
          time * units,
          keepAt(t),
          time,
          batch,
          units,
          zeroMaskedOutputs ? 1 : 0,
        );
        // The state's gradient through the recurrence; skipped samples keep theirs (dPre = 0 there).
        lib.sgemm(
          false,
          true,
          batch,
          units,
          G,
          1,
          f32.subarray(at.dPre + t * G),
          time * G,
          rv,
          G,
          1,
          dh,
          units,
        );
      }
      // Σ_t h_{t−1}ᵀ · dz_t over every sample and step at once.
      const dr = new Float32Array(units * G);
      lib.sgemm(
        true,
        false,
        units,
        G,
        steps,
        1,
        w.view("hPrev"),
        units,
        w.view("dPre"),
        G,
        0,
        dr,
        G,
      );
      const grads = [
        tf.tensor3d(pooledCopy(w.view("dPre")), [batch, time, G]),
        tf.tensor2d(dr, [units, G]),
        tf.tensor2d(dh.slice(), [batch, units]),
        tf.tensor2d(w.view("dc").slice(), [batch, units]),
      ];
      w.release();
      return grads;
    };
    return { value, gradFunc };
  });
  const packed = run(xProj, recurrentKernel, h0, c0) as tf.Tensor3D;
  const sequence = tf.slice(packed, [0, 0, 0], [batch, time, units]) as tf.Tensor3D;
  const state = (k: number) =>
    tf.reshape(tf.slice(packed, [0, k, 0], [batch, 1, units]), [batch, units]) as tf.Tensor2D;
  return [sequence, state(time), state(time + 1)];
}

/**
 * kerno's `gruSequence` (reset after), or `null` to let the plain definition run.
 *
 * @param xProj `[batch, time, 3·units]`.
 * @param recurrentKernel `[units, 3·units]`.
 * @param recurrentBias `[3·units]`, or `null`.
 * @param h0 `[batch, units]`.
 * @param mask `[batch, time]`, or `null`.
 * @param zeroMaskedOutputs Zeros (not the previous output) at skipped steps.
 * @returns The outputs and the last state, or `null`.
 */
export function gruSequenceFused(
  xProj: tf.Tensor3D,
  recurrentKernel: tf.Tensor2D,
  recurrentBias: tf.Tensor1D | null,
  h0: tf.Tensor2D,
  mask: tf.Tensor2D | null,
  zeroMaskedOutputs = false,
): [tf.Tensor3D, tf.Tensor2D] | null {
  if (!applies(xProj, recurrentKernel, recurrentBias, h0)) return null;
  const [batch, time, width] = xProj.shape;
  const units = recurrentKernel.shape[0];
  if (width !== 3 * units || recurrentKernel.shape[1] !== width) return null;
  const keep = maskBytes(mask);
  const lib = blas()!;
  const G = 3 * units;
  const bias = recurrentBias ?? tf.zeros([G]);
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, r, rb, hInit] = args as tf.Tensor[];
    const xv = x.dataSync() as Float32Array;
    const rv = r.dataSync() as Float32Array;
    const bv = rb.dataSync() as Float32Array;
    const zs = new Float32Array(batch * time * units);
    const rs = new Float32Array(batch * time * units);
    const hhs = new Float32Array(batch * time * units);
    const rhs = new Float32Array(batch * time * units); // h · R_h + b_h, before the reset gate
    const hPrev = new Float32Array(batch * time * units);
    const out = new Float32Array(batch * (time + 1) * units); // the outputs, then the last state
    const prev = new Float32Array(batch * units);
    const h = Float32Array.from(hInit.dataSync() as Float32Array);
    const hr = new Float32Array(batch * G);
    for (let t = 0; t < time; t++) {
      lib.sgemm(false, false, batch, G, units, 1, h, units, rv, G, 0, hr, G);
      for (let b = 0; b < batch; b++) {
        const row = (b * time + t) * units;
        const xRow = (b * time + t) * G;
        const on = keep === null || keep[b * time + t] === 1;
        for (let u = 0; u < units; u++) {
          const hu = b * units + u;
          hPrev[row + u] = h[hu];
          if (!on) continue;
          const hz = hr[b * G + u] + bv[u];
          const hrr = hr[b * G + units + u] + bv[units + u];
          const hh_ = hr[b * G + 2 * units + u] + bv[2 * units + u];
          const z = sigmoid(xv[xRow + u] + hz);
          const rr = sigmoid(xv[xRow + units + u] + hrr);
          const cand = tanh(xv[xRow + 2 * units + u] + rr * hh_);
          zs[row + u] = z;
          rs[row + u] = rr;
          hhs[row + u] = cand;
          rhs[row + u] = hh_;
          h[hu] = z * h[hu] + (1 - z) * cand;
        }
        if (on) prev.set(h.subarray(b * units, (b + 1) * units), b * units);
        else if (zeroMaskedOutputs) prev.fill(0, b * units, (b + 1) * units);
        out.set(prev.subarray(b * units, (b + 1) * units), (b * (time + 1) + t) * units);
      }
    }
    for (let b = 0; b < batch; b++) {
      out.set(h.subarray(b * units, (b + 1) * units), (b * (time + 1) + time) * units);
    }
    const value = tf.tensor3d(out, [batch, time + 1, units]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      const dv = (dy as tf.Tensor).dataSync() as Float32Array;
      const dx = new Float32Array(batch * time * G);
      const dhr = new Float32Array(batch * time * G); // the gradient of h · R + b, per step
      const dh = new Float32Array(batch * units);
      const dPrev = new Float32Array(batch * units);
      for (let b = 0; b < batch; b++) {
        const at = (b * (time + 1) + time) * units;
        dh.set(dv.subarray(at, at + units), b * units);
      }
      const dhNext = new Float32Array(batch * units);
      for (let t = time - 1; t >= 0; t--) {
        for (let b = 0; b < batch; b++) {
          const row = (b * time + t) * units;
          const gRow = (b * time + t) * G;
          const on = keep === null || keep[b * time + t] === 1;
          const dyRow = (b * (time + 1) + t) * units;
          for (let u = 0; u < units; u++) {
            const hu = b * units + u;
            const dOut = dv[dyRow + u] + dPrev[hu];
            if (!on) {
              dPrev[hu] = zeroMaskedOutputs ? 0 : dOut;
              continue;
            }
            dPrev[hu] = 0;
            const dhu = dh[hu] + dOut;
            const z = zs[row + u];
            const rr = rs[row + u];
            const cand = hhs[row + u];
            const dCand = dhu * (1 - z) * (1 - cand * cand);
            const dzPre = dhu * (hPrev[row + u] - cand) * z * (1 - z);
            const drPre = dCand * rhs[row + u] * rr * (1 - rr);
            dx[gRow + u] = dzPre;
            dx[gRow + units + u] = drPre;
            dx[gRow + 2 * units + u] = dCand;
            dhr[gRow + u] = dzPre;
            dhr[gRow + units + u] = drPre;
            dhr[gRow + 2 * units + u] = dCand * rr;
            dh[hu] = dhu * z;
          }
        }
        // dh_{t−1} += dhr_t · Rᵀ, for the samples of this step (a skipped one has dhr = 0).
        const step = new Float32Array(batch * G);
        for (let b = 0; b < batch; b++) {
          step.set(dhr.subarray((b * time + t) * G, (b * time + t + 1) * G), b * G);
        }
        lib.sgemm(false, true, batch, units, G, 1, step, G, rv, G, 0, dhNext, units);
        for (let k = 0; k < dh.length; k++) dh[k] += dhNext[k];
      }
      const dr = new Float32Array(units * G);
      lib.sgemm(true, false, units, G, batch * time, 1, hPrev, units, dhr, G, 0, dr, G);
      const db = new Float32Array(G);
      for (let k = 0; k < batch * time; k++) {
        for (let j = 0; j < G; j++) db[j] += dhr[k * G + j];
      }
      return [
        tf.tensor3d(dx, [batch, time, G]),
        tf.tensor2d(dr, [units, G]),
        tf.tensor1d(db),
        tf.tensor2d(dh, [batch, units]),
      ];
    };
    return { value, gradFunc };
  });
  // Without a recurrent bias, a zero one stands in (freed by the caller's tidy, as the layers run).
  const packed = run(xProj, recurrentKernel, bias, h0) as tf.Tensor3D;
  return [
    tf.slice(packed, [0, 0, 0], [batch, time, units]) as tf.Tensor3D,
    tf.reshape(tf.slice(packed, [0, time, 0], [batch, 1, units]), [batch, units]) as tf.Tensor2D,
  ];
}
