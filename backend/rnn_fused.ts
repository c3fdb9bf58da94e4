/**
 * kerno's LSTM and GRU recurrences (the seam's `lstmSequence` and
 * `gruSequence`, `engine/fused.ts`): the whole sequence in one recorded
 * operation. The forward pass runs one `cblas_sgemm` per step for the
 * recurrence and the gate math in one loop over the step's values, keeping
 * the gates it computed; the gradient walks back through time with one
 * product per step for the state's gradient and a single product at the end
 * for the recurrent kernel's (`Σ_t h_{t−1}ᵀ·dz_t` as one `[units, batch·time]`
 * by `[batch·time, k·units]` product). A 200-step sequence makes a handful
 * of engine tensors, not thousands. Declines (the plain loop of `tf` ops
 * runs) on another backend, without BLAS, or for other dtypes.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { blas } from "./_blas.ts";

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
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, r, hInit, cInit] = args as tf.Tensor[];
    const xv = x.dataSync() as Float32Array;
    const rv = r.dataSync() as Float32Array;
    const G = 4 * units;
    // Saved for the gradient: gates after activation, the states before each step, tanh of the cells after.
    const gates = new Float32Array(batch * time * G);
    const hPrev = new Float32Array(batch * time * units);
    const cPrev = new Float32Array(batch * time * units);
    const tanhC = new Float32Array(batch * time * units); // tanh of each new cell, for the gradient
    // The outputs, then the last hidden state, then the last cell state.
    const out = new Float32Array(batch * (time + 2) * units);
    const prev = new Float32Array(batch * units); // each sample's previous output
    const h = Float32Array.from(hInit.dataSync() as Float32Array);
    const c = Float32Array.from(cInit.dataSync() as Float32Array);
    const z = new Float32Array(batch * G);
    for (let t = 0; t < time; t++) {
      lib.sgemm(false, false, batch, G, units, 1, h, units, rv, G, 0, z, G);
      for (let b = 0; b < batch; b++) {
        const row = (b * time + t) * units;
        const gRow = (b * time + t) * G;
        const xRow = (b * time + t) * G;
        const zRow = b * G;
        const on = keep === null || keep[b * time + t] === 1;
        for (let u = 0; u < units; u++) {
          const hu = b * units + u;
          hPrev[row + u] = h[hu];
          cPrev[row + u] = c[hu];
          if (!on) continue;
          const i = sigmoid(z[zRow + u] + xv[xRow + u]);
          const f = sigmoid(z[zRow + units + u] + xv[xRow + units + u]);
          const g = tanh(z[zRow + 2 * units + u] + xv[xRow + 2 * units + u]);
          const o = sigmoid(z[zRow + 3 * units + u] + xv[xRow + 3 * units + u]);
          gates[gRow + u] = i;
          gates[gRow + units + u] = f;
          gates[gRow + 2 * units + u] = g;
          gates[gRow + 3 * units + u] = o;
          const cu = f * c[hu] + i * g;
          c[hu] = cu;
          const tc = tanh(cu);
          tanhC[row + u] = tc;
          h[hu] = o * tc;
        }
        const dst = (b * (time + 2) + t) * units;
        if (on) prev.set(h.subarray(b * units, (b + 1) * units), b * units);
        else if (zeroMaskedOutputs) prev.fill(0, b * units, (b + 1) * units);
        out.set(prev.subarray(b * units, (b + 1) * units), dst);
      }
    }
    for (let b = 0; b < batch; b++) {
      out.set(h.subarray(b * units, (b + 1) * units), (b * (time + 2) + time) * units);
      out.set(c.subarray(b * units, (b + 1) * units), (b * (time + 2) + time + 1) * units);
    }
    const value = tf.tensor3d(out, [batch, time + 2, units]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      const dv = (dy as tf.Tensor).dataSync() as Float32Array;
      const dx = new Float32Array(batch * time * G);
      const dh = new Float32Array(batch * units); // the gradient reaching h_t from later steps
      const dc = new Float32Array(batch * units);
      const dPrev = new Float32Array(batch * units); // reaching an output that later ones repeat
      for (let b = 0; b < batch; b++) {
        const at = (k: number) => (b * (time + 2) + k) * units;
        dh.set(dv.subarray(at(time), at(time) + units), b * units);
        dc.set(dv.subarray(at(time + 1), at(time + 1) + units), b * units);
      }
      const dz = new Float32Array(batch * G);
      const dhNext = new Float32Array(batch * units);
      for (let t = time - 1; t >= 0; t--) {
        for (let b = 0; b < batch; b++) {
          const row = (b * time + t) * units;
          const gRow = (b * time + t) * G;
          const on = keep === null || keep[b * time + t] === 1;
          const dyRow = (b * (time + 2) + t) * units;
          for (let u = 0; u < units; u++) {
            const hu = b * units + u;
            const dOut = dv[dyRow + u] + dPrev[hu];
            if (!on) { // skipped: h and c pass through; the output was the previous one (or zeros)
              dPrev[hu] = zeroMaskedOutputs ? 0 : dOut;
              dz[b * G + u] = 0;
              dz[b * G + units + u] = 0;
              dz[b * G + 2 * units + u] = 0;
              dz[b * G + 3 * units + u] = 0;
              continue;
            }
            dPrev[hu] = 0;
            const dhu = dh[hu] + dOut;
            const i = gates[gRow + u];
            const f = gates[gRow + units + u];
            const g = gates[gRow + 2 * units + u];
            const o = gates[gRow + 3 * units + u];
            const tc = tanhC[row + u];
            const dcu = dc[hu] + dhu * o * (1 - tc * tc);
            const zb = b * G;
            dz[zb + u] = dcu * g * i * (1 - i);
            dz[zb + units + u] = dcu * cPrev[row + u] * f * (1 - f);
            dz[zb + 2 * units + u] = dcu * i * (1 - g * g);
            dz[zb + 3 * units + u] = dhu * tc * o * (1 - o);
            dc[hu] = dcu * f;
            dh[hu] = 0;
          }
          dx.set(dz.subarray(b * G, (b + 1) * G), gRow);
        }
        // The state's gradient through the recurrence; skipped samples keep theirs (dz = 0 there).
        lib.sgemm(false, true, batch, units, G, 1, dz, G, rv, G, 0, dhNext, units);
        for (let k = 0; k < dh.length; k++) dh[k] += dhNext[k];
      }
      // Σ_t h_{t−1}ᵀ · dz_t over every sample and step at once.
      const dr = new Float32Array(units * G);
      lib.sgemm(true, false, units, G, batch * time, 1, hPrev, units, dx, G, 0, dr, G);
      return [
        tf.tensor3d(dx, [batch, time, G]),
        tf.tensor2d(dr, [units, G]),
        tf.tensor2d(dh, [batch, units]),
        tf.tensor2d(dc, [batch, units]),
      ];
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
