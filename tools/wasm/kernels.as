// kerno's WebAssembly kernels, in AssemblyScript (a TypeScript dialect that
// compiles to WebAssembly): the LSTM's gates (backend/rnn_fused.ts), the
// attention's masked softmax (backend/attention_fused.ts), layer
// normalization (backend/layer_norm_fused.ts), im2col/col2im
// (backend/kernels/_im2col_wasm.ts) and 2×2 max pooling
// (backend/kernels/pool_argmax.ts); those files say what each array holds.
// `deno task build-wasm` compiles this file and writes the module's bytes to
// backend/_kernels_wasm.ts. Everything is float32, four lanes at a time
// (fixed-width SIMD), with a scalar loop for the remainder.
//
// Pointers are byte addresses in the module's memory (imported, so the
// caller sizes it and runs its matrix products on the same bytes). Arrays
// laid out [batch, time, k] are passed as the address of step t's first row
// and their per-sample stride in floats. Nothing here allocates (no arrays,
// no strings): the module's memory is the caller's workspace from byte 16 on,
// and a static data segment or heap would overlap it.

// The constants of exp, as mutable globals that `init` sets: V8 builds a
// v128 constant written in the code afresh at each use, while a global is
// one load, so the kernels run about twice as fast this way.
let LO: v128 = i64x2.splat(0);
let HI: v128 = i64x2.splat(0);
let LOG2E: v128 = i64x2.splat(0);
let MAGIC: v128 = i64x2.splat(0);
let LN2_HI: v128 = i64x2.splat(0);
let LN2_LO: v128 = i64x2.splat(0);
let P0: v128 = i64x2.splat(0);
let P1: v128 = i64x2.splat(0);
let P2: v128 = i64x2.splat(0);
let P3: v128 = i64x2.splat(0);
let P4: v128 = i64x2.splat(0);
let P5: v128 = i64x2.splat(0);
let ONE: v128 = i64x2.splat(0);
let BIAS: v128 = i64x2.splat(0);
let TWO: v128 = i64x2.splat(0);
let SIGN: v128 = i64x2.splat(0);
let ZERO: v128 = i64x2.splat(0);

// Sets the constants; the caller runs it once per instance.
export function init(): void {
  LO = f32x4.splat(-87.0);
  HI = f32x4.splat(88.0);
  LOG2E = f32x4.splat(1.44269504088896341);
  MAGIC = f32x4.splat(12582912.0); // 1.5·2^23: adding it rounds to an integer
  LN2_HI = f32x4.splat(0.693359375);
  LN2_LO = f32x4.splat(-2.12194440e-4);
  P0 = f32x4.splat(1.9875691500e-4);
  P1 = f32x4.splat(1.3981999507e-3);
  P2 = f32x4.splat(8.3334519073e-3);
  P3 = f32x4.splat(4.1665795894e-2);
  P4 = f32x4.splat(1.6666665459e-1);
  P5 = f32x4.splat(5.0000001201e-1);
  ONE = f32x4.splat(1.0);
  BIAS = i32x4.splat(0x4B400000 - 127); // MAGIC's bits, less the exponent bias
  TWO = f32x4.splat(-2.0);
  SIGN = i32x4.splat(0x80000000);
}

// exp(x) as Cephes's expf: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 in two parts),
// a degree-6 polynomial for e^r, and 2^n built in the exponent bits from the
// low bits of x·log2e + 1.5·2^23. Arguments are clamped to [−87, 88], inside
// float32's range (e^−87 is still a normal number).
// @ts-ignore: decorator
@inline function vexp(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, LO), HI);
  const big = f32x4.add(f32x4.mul(x, LOG2E), MAGIC);
  const n = f32x4.sub(big, MAGIC);
  let r = f32x4.sub(x, f32x4.mul(n, LN2_HI));
  r = f32x4.sub(r, f32x4.mul(n, LN2_LO));
  let p = f32x4.add(f32x4.mul(P0, r), P1);
  p = f32x4.add(f32x4.mul(p, r), P2);
  p = f32x4.add(f32x4.mul(p, r), P3);
  p = f32x4.add(f32x4.mul(p, r), P4);
  p = f32x4.add(f32x4.mul(p, r), P5);
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), ONE);
  return f32x4.mul(p, i32x4.shl(i32x4.sub(big, BIAS), 23));
}

// @ts-ignore: decorator
@inline function vsigmoid(x: v128): v128 {
  return f32x4.div(ONE, f32x4.add(ONE, vexp(f32x4.neg(x))));
}

// tanh through one exp of −2|x| (never overflows), the sign put back.
// @ts-ignore: decorator
@inline function vtanh(x: v128): v128 {
  const e = vexp(f32x4.mul(f32x4.abs(x), TWO));
  const t = f32x4.div(f32x4.sub(ONE, e), f32x4.add(ONE, e));
  return v128.or(t, v128.and(x, SIGN));
}

// The scalar forms, for the tail: the same formulas on one lane.
// @ts-ignore: decorator
@inline function sigmoid1(x: f32): f32 {
  return f32x4.extract_lane(vsigmoid(f32x4.splat(x)), 0);
}
// @ts-ignore: decorator
@inline function tanh1(x: f32): f32 {
  return f32x4.extract_lane(vtanh(f32x4.splat(x)), 0);
}

// LSTM, one step forward for every sample. `pre` holds x·W + b + h·R for
// the step (gate order i, f, g, o) and receives the gates after activation.
// h, c [batch, units] are updated in place; hPrev, cPrev receive their
// values before the step, tanhC tanh of the new cell; `out` the step's
// output (the new h, or at a skipped step the previous output or zeros).
// keep: one byte per [batch, time] (address of step t's), or 0 for none.
export function lstmForward(
  pre: usize, preStride: i32,
  h: usize, c: usize, prev: usize,
  hPrev: usize, cPrev: usize, tanhC: usize, stateStride: i32,
  out: usize, outStride: i32,
  keep: usize, keepStride: i32,
  batch: i32, units: i32, zeroMasked: i32,
): void {
  const vec = units & ~3;
  for (let b = 0; b < batch; b++) {
    const g = pre + <usize>(b * preStride) * 4;
    const s = <usize>(b * stateStride) * 4;
    const hb = h + <usize>(b * units) * 4;
    const cb = c + <usize>(b * units) * 4;
    const pb = prev + <usize>(b * units) * 4;
    const ob = out + <usize>(b * outStride) * 4;
    memory.copy(hPrev + s, hb, <usize>units * 4);
    memory.copy(cPrev + s, cb, <usize>units * 4);
    const on = keep == 0 || load<u8>(keep + <usize>(b * keepStride)) != 0;
    if (!on) {
      if (zeroMasked) memory.fill(pb, 0, <usize>units * 4);
      memory.copy(ob, pb, <usize>units * 4);
      continue;
    }
    const U = <usize>units * 4;
    let u = 0;
    for (; u < vec; u += 4) {
      const k = <usize>u * 4;
      const i = vsigmoid(v128.load(g + k));
      const f = vsigmoid(v128.load(g + U + k));
      const gg = vtanh(v128.load(g + 2 * U + k));
      const o = vsigmoid(v128.load(g + 3 * U + k));
      v128.store(g + k, i);
      v128.store(g + U + k, f);
      v128.store(g + 2 * U + k, gg);
      v128.store(g + 3 * U + k, o);
      const cn = f32x4.add(f32x4.mul(f, v128.load(cb + k)), f32x4.mul(i, gg));
      v128.store(cb + k, cn);
      const tc = vtanh(cn);
      v128.store(tanhC + s + k, tc);
      v128.store(hb + k, f32x4.mul(o, tc));
    }
    for (; u < units; u++) {
      const k = <usize>u * 4;
      const i = sigmoid1(load<f32>(g + k));
      const f = sigmoid1(load<f32>(g + U + k));
      const gg = tanh1(load<f32>(g + 2 * U + k));
      const o = sigmoid1(load<f32>(g + 3 * U + k));
      store<f32>(g + k, i);
      store<f32>(g + U + k, f);
      store<f32>(g + 2 * U + k, gg);
      store<f32>(g + 3 * U + k, o);
      const cn = f * load<f32>(cb + k) + i * gg;
      store<f32>(cb + k, cn);
      const tc = tanh1(cn);
      store<f32>(tanhC + s + k, tc);
      store<f32>(hb + k, o * tc);
    }
    memory.copy(pb, hb, <usize>units * 4);
    memory.copy(ob, hb, <usize>units * 4);
  }
}

// LSTM, one step backward for every sample. dOut: the gradient reaching the
// step's output (address of step t's row, stride outStride); dPrev the part
// reaching a repeated earlier output (skipped steps); dh, dc the gradients
// reaching h_t, c_t from later steps. Writes the pre-activation gradient of
// the step into dPre (stride preStride), leaves dc for c_{t−1} and zeros dh
// where the step ran (the caller adds dPre·Rᵀ to it).
export function lstmBackward(
  dOut: usize, outStride: i32, dPrev: usize, dh: usize, dc: usize,
  gates: usize, dPre: usize, preStride: i32,
  cPrev: usize, tanhC: usize, stateStride: i32,
  keep: usize, keepStride: i32,
  batch: i32, units: i32, zeroMasked: i32,
): void {
  const vec = units & ~3;
  const one = ONE;
  for (let b = 0; b < batch; b++) {
    const U = <usize>units * 4;
    const g = gates + <usize>(b * preStride) * 4;
    const d = dPre + <usize>(b * preStride) * 4;
    const s = <usize>(b * stateStride) * 4;
    const yb = dOut + <usize>(b * outStride) * 4;
    const pb = dPrev + <usize>(b * units) * 4;
    const hb = dh + <usize>(b * units) * 4;
    const cb = dc + <usize>(b * units) * 4;
    const on = keep == 0 || load<u8>(keep + <usize>(b * keepStride)) != 0;
    if (!on) {
      // h and c pass through; the output was the previous one (or zeros).
      if (zeroMasked) memory.fill(pb, 0, U);
      else {
        let k: usize = 0;
        for (; k < <usize>vec * 4; k += 16) {
          v128.store(pb + k, f32x4.add(v128.load(pb + k), v128.load(yb + k)));
        }
        for (; k < U; k += 4) store<f32>(pb + k, load<f32>(pb + k) + load<f32>(yb + k));
      }
      memory.fill(d, 0, 4 * U);
      continue;
    }
    let u = 0;
    for (; u < vec; u += 4) {
      const k = <usize>u * 4;
      const dhu = f32x4.add(v128.load(hb + k), f32x4.add(v128.load(yb + k), v128.load(pb + k)));
      const i = v128.load(g + k);
      const f = v128.load(g + U + k);
      const gg = v128.load(g + 2 * U + k);
      const o = v128.load(g + 3 * U + k);
      const tc = v128.load(tanhC + s + k);
      const dcu = f32x4.add(
        v128.load(cb + k),
        f32x4.mul(f32x4.mul(dhu, o), f32x4.sub(one, f32x4.mul(tc, tc))),
      );
      v128.store(d + k, f32x4.mul(f32x4.mul(dcu, gg), f32x4.mul(i, f32x4.sub(one, i))));
      v128.store(
        d + U + k,
        f32x4.mul(f32x4.mul(dcu, v128.load(cPrev + s + k)), f32x4.mul(f, f32x4.sub(one, f))),
      );
      v128.store(d + 2 * U + k, f32x4.mul(f32x4.mul(dcu, i), f32x4.sub(one, f32x4.mul(gg, gg))));
      v128.store(d + 3 * U + k, f32x4.mul(f32x4.mul(dhu, tc), f32x4.mul(o, f32x4.sub(one, o))));
      v128.store(cb + k, f32x4.mul(dcu, f));
    }
    for (; u < units; u++) {
      const k = <usize>u * 4;
      const dhu = load<f32>(hb + k) + load<f32>(yb + k) + load<f32>(pb + k);
      const i = load<f32>(g + k);
      const f = load<f32>(g + U + k);
      const gg = load<f32>(g + 2 * U + k);
      const o = load<f32>(g + 3 * U + k);
      const tc = load<f32>(tanhC + s + k);
      const dcu = load<f32>(cb + k) + dhu * o * (1 - tc * tc);
      store<f32>(d + k, dcu * gg * i * (1 - i));
      store<f32>(d + U + k, dcu * load<f32>(cPrev + s + k) * f * (1 - f));
      store<f32>(d + 2 * U + k, dcu * i * (1 - gg * gg));
      store<f32>(d + 3 * U + k, dhu * tc * o * (1 - o));
      store<f32>(cb + k, dcu * f);
    }
    memory.fill(pb, 0, U);
    memory.fill(hb, 0, U);
  }
}

// Masked softmax of `rows` rows of `cols` logits at p, in place. keep: a
// float32 0/1 per column (0: masked), row r's at keep + r·keepStride floats
// (stride 0: one row for all), or 0 for none. Masked columns get 0, and a
// row with every column masked is all zeros.
export function softmaxRows(p: usize, rows: i32, cols: i32, keep: usize, keepStride: i32): void {
  const vec16 = <usize>(cols & ~15) * 4;
  const vec = <usize>(cols & ~3) * 4;
  const n = <usize>cols * 4;
  const NEG = f32x4.splat(-Infinity);
  for (let r = 0; r < rows; r++) {
    const row = p + <usize>r * n;
    const kr = keep + <usize>(r * keepStride) * 4;
    // The largest kept logit (without a mask, two running maxima).
    let m4 = NEG;
    let k: usize = 0;
    if (keep == 0) {
      let m4b = NEG;
      for (; k + 32 <= vec; k += 32) {
        m4 = f32x4.pmax(m4, v128.load(row + k));
        m4b = f32x4.pmax(m4b, v128.load(row + k + 16));
      }
      m4 = f32x4.pmax(m4, m4b);
    }
    for (; k < vec; k += 16) {
      let l = v128.load(row + k);
      if (keep != 0) l = v128.bitselect(l, NEG, f32x4.ne(v128.load(kr + k), ZERO));
      m4 = f32x4.pmax(m4, l);
    }
    let m = max(max(f32x4.extract_lane(m4, 0), f32x4.extract_lane(m4, 1)),
      max(f32x4.extract_lane(m4, 2), f32x4.extract_lane(m4, 3)));
    for (; k < n; k += 4) {
      if (keep == 0 || load<f32>(kr + k) != 0) m = max(m, load<f32>(row + k));
    }
    if (m == -Infinity) { // nothing kept
      memory.fill(row, 0, n);
      continue;
    }
    // e^(l − m) (times keep), and their sum: without a mask sixteen columns at
    // a time (four independent exponentials in flight: 1.3× faster), then four.
    const mv = f32x4.splat(m);
    let s4 = ZERO;
    let s4b = ZERO;
    for (k = 0; keep == 0 && k < vec16; k += 64) {
      const e0 = vexp(f32x4.sub(v128.load(row + k), mv));
      const e1 = vexp(f32x4.sub(v128.load(row + k + 16), mv));
      const e2 = vexp(f32x4.sub(v128.load(row + k + 32), mv));
      const e3 = vexp(f32x4.sub(v128.load(row + k + 48), mv));
      v128.store(row + k, e0);
      v128.store(row + k + 16, e1);
      v128.store(row + k + 32, e2);
      v128.store(row + k + 48, e3);
      s4 = f32x4.add(s4, f32x4.add(e0, e2));
      s4b = f32x4.add(s4b, f32x4.add(e1, e3));
    }
    for (; k < vec; k += 16) {
      let e = vexp(f32x4.sub(v128.load(row + k), mv));
      if (keep != 0) e = f32x4.mul(e, v128.load(kr + k));
      v128.store(row + k, e);
      s4 = f32x4.add(s4, e);
    }
    s4 = f32x4.add(s4, s4b);
    let s = f32x4.extract_lane(s4, 0) + f32x4.extract_lane(s4, 1) +
      f32x4.extract_lane(s4, 2) + f32x4.extract_lane(s4, 3);
    for (; k < n; k += 4) {
      let e = f32x4.extract_lane(vexp(f32x4.splat(load<f32>(row + k) - m)), 0);
      if (keep != 0) e *= load<f32>(kr + k);
      store<f32>(row + k, e);
      s += e;
    }
    const inv = f32x4.splat(1 / s);
    for (k = 0; k < vec; k += 16) v128.store(row + k, f32x4.mul(v128.load(row + k), inv));
    for (; k < n; k += 4) store<f32>(row + k, load<f32>(row + k) / s);
  }
}

// The softmax's gradient from its output: dp ← scale · p ⊙ (dp − Σ_j p⊙dp),
// row by row, in place (masked columns have p = 0, so they get 0).
export function softmaxGradRows(p: usize, dp: usize, rows: i32, cols: i32, scale: f32): void {
  const vec = <usize>(cols & ~3) * 4;
  const n = <usize>cols * 4;
  const sv = f32x4.splat(scale);
  for (let r = 0; r < rows; r++) {
    const pr = p + <usize>r * n;
    const dr = dp + <usize>r * n;
    let d4 = ZERO;
    let k: usize = 0;
    for (; k < vec; k += 16) d4 = f32x4.add(d4, f32x4.mul(v128.load(pr + k), v128.load(dr + k)));
    let dot = f32x4.extract_lane(d4, 0) + f32x4.extract_lane(d4, 1) +
      f32x4.extract_lane(d4, 2) + f32x4.extract_lane(d4, 3);
    for (; k < n; k += 4) dot += load<f32>(pr + k) * load<f32>(dr + k);
    const dv = f32x4.splat(dot);
    for (k = 0; k < vec; k += 16) {
      const g = f32x4.mul(v128.load(pr + k), f32x4.sub(v128.load(dr + k), dv));
      v128.store(dr + k, f32x4.mul(g, sv));
    }
    for (; k < n; k += 4) store<f32>(dr + k, scale * load<f32>(pr + k) * (load<f32>(dr + k) - dot));
  }
}

// The sum of the four lanes.
// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// Layer normalization of `rows` rows of n values: xhat = (x − mean)·rstd
// with rstd = 1/√(variance + eps) (the variance divided by n), then
// y = xhat·gamma + beta; keeps xhat and rstd for the gradient. gamma, beta:
// n floats each, or 0 for none.
export function layerNormForward(
  x: usize, y: usize, xhat: usize, rstd: usize, gamma: usize, beta: usize,
  rows: i32, n: i32, eps: f32,
): void {
  const vec = <usize>(n & ~3) * 4;
  const bytes = <usize>n * 4;
  const inv = <f32>1 / <f32>n;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * bytes;
    const hr = xhat + <usize>r * bytes;
    const yr = y + <usize>r * bytes;
    let s4 = ZERO;
    let k: usize = 0;
    for (; k < vec; k += 16) s4 = f32x4.add(s4, v128.load(xr + k));
    let sum = hsum(s4);
    for (; k < bytes; k += 4) sum += load<f32>(xr + k);
    const mean = sum * inv;
    const m4 = f32x4.splat(mean);
    let q4 = ZERO;
    for (k = 0; k < vec; k += 16) {
      const d = f32x4.sub(v128.load(xr + k), m4);
      q4 = f32x4.add(q4, f32x4.mul(d, d));
    }
    let sq = hsum(q4);
    for (; k < bytes; k += 4) {
      const d = load<f32>(xr + k) - mean;
      sq += d * d;
    }
    const rs = <f32>1 / Mathf.sqrt(sq * inv + eps);
    store<f32>(rstd + <usize>r * 4, rs);
    const r4 = f32x4.splat(rs);
    for (k = 0; k < vec; k += 16) {
      const h = f32x4.mul(f32x4.sub(v128.load(xr + k), m4), r4);
      v128.store(hr + k, h);
      let o = gamma != 0 ? f32x4.mul(h, v128.load(gamma + k)) : h;
      if (beta != 0) o = f32x4.add(o, v128.load(beta + k));
      v128.store(yr + k, o);
    }
    for (; k < bytes; k += 4) {
      const h = (load<f32>(xr + k) - mean) * rs;
      store<f32>(hr + k, h);
      let o = gamma != 0 ? h * load<f32>(gamma + k) : h;
      if (beta != 0) o += load<f32>(beta + k);
      store<f32>(yr + k, o);
    }
  }
}

// Layer normalization's gradient from the saved xhat and rstd: with
// g = dy·gamma, dx = rstd·(g − mean(g) − xhat·mean(g·xhat)); dgamma and
// dbeta (n floats each, zeroed by the caller; 0 for none) receive the
// column sums of dy·xhat and dy.
export function layerNormBackward(
  dy: usize, xhat: usize, rstd: usize, gamma: usize, dx: usize, dgamma: usize, dbeta: usize,
  rows: i32, n: i32,
): void {
  const vec = <usize>(n & ~3) * 4;
  const bytes = <usize>n * 4;
  const inv = <f32>1 / <f32>n;
  for (let r = 0; r < rows; r++) {
    const dr = dy + <usize>r * bytes;
    const hr = xhat + <usize>r * bytes;
    const xr = dx + <usize>r * bytes;
    let g4 = ZERO;
    let gh4 = ZERO;
    let k: usize = 0;
    for (; k < vec; k += 16) {
      const d = v128.load(dr + k);
      const h = v128.load(hr + k);
      if (dgamma != 0) v128.store(dgamma + k, f32x4.add(v128.load(dgamma + k), f32x4.mul(d, h)));
      if (dbeta != 0) v128.store(dbeta + k, f32x4.add(v128.load(dbeta + k), d));
      const g = gamma != 0 ? f32x4.mul(d, v128.load(gamma + k)) : d;
      g4 = f32x4.add(g4, g);
      gh4 = f32x4.add(gh4, f32x4.mul(g, h));
    }
    let sg = hsum(g4);
    let sgh = hsum(gh4);
    for (; k < bytes; k += 4) {
      const d = load<f32>(dr + k);
      const h = load<f32>(hr + k);
      if (dgamma != 0) store<f32>(dgamma + k, load<f32>(dgamma + k) + d * h);
      if (dbeta != 0) store<f32>(dbeta + k, load<f32>(dbeta + k) + d);
      const g = gamma != 0 ? d * load<f32>(gamma + k) : d;
      sg += g;
      sgh += g * h;
    }
    const mg = sg * inv;
    const mgh = sgh * inv;
    const rs = load<f32>(rstd + <usize>r * 4);
    const mg4 = f32x4.splat(mg);
    const mgh4 = f32x4.splat(mgh);
    const rs4 = f32x4.splat(rs);
    for (k = 0; k < vec; k += 16) {
      const d = v128.load(dr + k);
      const h = v128.load(hr + k);
      const g = gamma != 0 ? f32x4.mul(d, v128.load(gamma + k)) : d;
      v128.store(xr + k, f32x4.mul(rs4, f32x4.sub(f32x4.sub(g, mg4), f32x4.mul(h, mgh4))));
    }
    for (; k < bytes; k += 4) {
      const d = load<f32>(dr + k);
      const g = gamma != 0 ? d * load<f32>(gamma + k) : d;
      store<f32>(xr + k, rs * (g - mg - load<f32>(hr + k) * mgh));
    }
  }
}

// Copies n floats (4 at a time, then the tail).
// @ts-ignore: decorator
@inline function copyRun(dst: usize, src: usize, n: i32): void {
  const vec = <usize>(n & ~3) * 4;
  const bytes = <usize>n * 4;
  let k: usize = 0;
  for (; k < vec; k += 16) v128.store(dst + k, v128.load(src + k));
  for (; k < bytes; k += 4) store<f32>(dst + k, load<f32>(src + k));
}

// Adds n floats of src into dst (4 at a time, then the tail).
// @ts-ignore: decorator
@inline function addRun(dst: usize, src: usize, n: i32): void {
  const vec = <usize>(n & ~3) * 4;
  const bytes = <usize>n * 4;
  let k: usize = 0;
  for (; k < vec; k += 16) v128.store(dst + k, f32x4.add(v128.load(dst + k), v128.load(src + k)));
  for (; k < bytes; k += 4) store<f32>(dst + k, load<f32>(dst + k) + load<f32>(src + k));
}

// im2col for an NHWC convolution: images [first, first + count) of x (the
// whole batch, image 0 at x) unfold into cols, one row per output pixel of
// fH·fW·c values (tap-major, channels innermost); taps in the padding are 0.
export function im2col(
  x: usize, cols: usize, first: i32, count: i32,
  inH: i32, inW: i32, c: i32, outH: i32, outW: i32, fH: i32, fW: i32,
  sH: i32, sW: i32, dH: i32, dW: i32, top: i32, left: i32,
): void {
  const run = <usize>c * 4;
  let o = cols;
  for (let b = first; b < first + count; b++) {
    const image = x + <usize>b * <usize>(inH * inW) * run;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let fy = 0; fy < fH; fy++) {
          const iy = oy * sH - top + fy * dH;
          const inside = iy >= 0 && iy < inH;
          for (let fx = 0; fx < fW; fx++) {
            const ix = ox * sW - left + fx * dW;
            if (inside && ix >= 0 && ix < inW) {
              copyRun(o, image + <usize>(iy * inW + ix) * run, c);
            } else {
              memory.fill(o, 0, run);
            }
            o += run;
          }
        }
      }
    }
  }
}

// col2im, im2col's adjoint: each row of cols (the gradient of one output
// pixel's patch) is added back onto the input positions it was read from;
// dx holds the whole batch (image 0 at dx).
export function col2im(
  cols: usize, dx: usize, first: i32, count: i32,
  inH: i32, inW: i32, c: i32, outH: i32, outW: i32, fH: i32, fW: i32,
  sH: i32, sW: i32, dH: i32, dW: i32, top: i32, left: i32,
): void {
  const run = <usize>c * 4;
  let o = cols;
  for (let b = first; b < first + count; b++) {
    const image = dx + <usize>b * <usize>(inH * inW) * run;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let fy = 0; fy < fH; fy++) {
          const iy = oy * sH - top + fy * dH;
          const inside = iy >= 0 && iy < inH;
          for (let fx = 0; fx < fW; fx++) {
            const ix = ox * sW - left + fx * dW;
            if (inside && ix >= 0 && ix < inW) addRun(image + <usize>(iy * inW + ix) * run, o, c);
            o += run;
          }
        }
      }
    }
  }
}

// 2×2, stride-2, unpadded max pooling of NHWC x, with the flat index into x
// of each maximum (the first strictly greater tap in row-major order wins,
// as MaxPoolGrad chooses), for images [first, first + count) of the batch
// (x, y and where hold the whole batch). Returns 0 when some window held a
// NaN (the caller then runs its exact loop, where NaN wins), else 1.
export function maxPool2x2(
  x: usize, y: usize, where: usize, first: i32, count: i32, h: i32, w: i32, c: i32, outH: i32,
  outW: i32,
): i32 {
  const row = w * c;
  const vec = c & ~3;
  const lanes = i32x4(0, 1, 2, 3);
  let nan = i32x4.splat(0);
  let o = first * outH * outW * c;
  for (let b = first; b < first + count; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const rowStart = (b * h + oy * 2) * row;
      for (let ox = 0; ox < outW; ox++) {
        const p = rowStart + ox * 2 * c;
        let ch = 0;
        for (; ch < vec; ch += 4) {
          const i0 = p + ch;
          const v0 = v128.load(x + (<usize>i0 << 2));
          const v1 = v128.load(x + (<usize>(i0 + c) << 2));
          const v2 = v128.load(x + (<usize>(i0 + row) << 2));
          const v3 = v128.load(x + (<usize>(i0 + row + c) << 2));
          nan = v128.or(nan, v128.or(v128.or(f32x4.ne(v0, v0), f32x4.ne(v1, v1)),
            v128.or(f32x4.ne(v2, v2), f32x4.ne(v3, v3))));
          let best = v0;
          let at = i32x4.add(i32x4.splat(i0), lanes);
          let g = f32x4.gt(v1, best);
          best = v128.bitselect(v1, best, g);
          at = v128.bitselect(i32x4.add(i32x4.splat(i0 + c), lanes), at, g);
          g = f32x4.gt(v2, best);
          best = v128.bitselect(v2, best, g);
          at = v128.bitselect(i32x4.add(i32x4.splat(i0 + row), lanes), at, g);
          g = f32x4.gt(v3, best);
          best = v128.bitselect(v3, best, g);
          at = v128.bitselect(i32x4.add(i32x4.splat(i0 + row + c), lanes), at, g);
          v128.store(y + (<usize>(o + ch) << 2), best);
          v128.store(where + (<usize>(o + ch) << 2), at);
        }
        for (; ch < c; ch++) {
          const i0 = p + ch;
          let best = load<f32>(x + (<usize>i0 << 2));
          let at = i0;
          if (best != best) return 0;
          // The other three taps: right, below, below right.
          for (let t = 1; t < 4; t++) {
            const i = i0 + (t & 1 ? c : 0) + (t & 2 ? row : 0);
            const v = load<f32>(x + (<usize>i << 2));
            if (v != v) return 0;
            if (v > best) {
              best = v;
              at = i;
            }
          }
          store<f32>(y + (<usize>(o + ch) << 2), best);
          store<i32>(where + (<usize>(o + ch) << 2), at);
        }
        o += c;
      }
    }
  }
  return v128.any_true(nan) ? 0 : 1;
}

// Depthwise convolution, NHWC (backend/depthwise_conv.ts): every output
// pixel's row of c·mult values is the sum over the kernel's taps inside the
// input of the tap's input row (c values) times the tap's kernel row
// (c·mult values, [kh, kw, c, mult]); channel ci·mult + m reads input
// channel ci only. With mult = 1 both rows line up and four channels go at
// a time; with mult > 1 an input value is spread over its mult outputs.
// Geometry: batch, input h×w, channels c, mult, output oh×ow, kernel kh×kw,
// strides, dilations, and the padding before the first row and column.

// @ts-ignore: decorator
@inline function dwTap(row: usize, xr: usize, wr: usize, c: i32, mult: i32): void {
  if (mult == 1) {
    const vec = <usize>(c & ~3) * 4;
    const bytes = <usize>c * 4;
    let k: usize = 0;
    for (; k < vec; k += 16) {
      v128.store(row + k, f32x4.add(v128.load(row + k), f32x4.mul(v128.load(xr + k), v128.load(wr + k))));
    }
    for (; k < bytes; k += 4) store<f32>(row + k, load<f32>(row + k) + load<f32>(xr + k) * load<f32>(wr + k));
    return;
  }
  const mvec = <usize>(mult & ~3) * 4;
  const mbytes = <usize>mult * 4;
  for (let ci = 0; ci < c; ci++) {
    const xv = load<f32>(xr + <usize>ci * 4);
    const x4 = f32x4.splat(xv);
    const o = row + <usize>ci * mbytes;
    const w = wr + <usize>ci * mbytes;
    let k: usize = 0;
    for (; k < mvec; k += 16) v128.store(o + k, f32x4.add(v128.load(o + k), f32x4.mul(x4, v128.load(w + k))));
    for (; k < mbytes; k += 4) store<f32>(o + k, load<f32>(o + k) + xv * load<f32>(w + k));
  }
}

// The forward pass: y = depthwise(x, w) + bias (0: none), then relu when asked.
export function depthwiseForward(
  x: usize, w: usize, bias: usize, y: usize, batch: i32,
  inH: i32, inW: i32, c: i32, mult: i32, outH: i32, outW: i32, kH: i32, kW: i32,
  sH: i32, sW: i32, dH: i32, dW: i32, top: i32, left: i32, relu: i32,
): void {
  const cm = c * mult;
  const rowBytes = <usize>cm * 4;
  const inRow = <usize>c * 4;
  const vec = <usize>(cm & ~3) * 4;
  let row = y;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * <usize>(inH * inW) * inRow;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        if (bias != 0) memory.copy(row, bias, rowBytes);
        else memory.fill(row, 0, rowBytes);
        for (let fy = 0; fy < kH; fy++) {
          const iy = oy * sH - top + fy * dH;
          if (iy < 0 || iy >= inH) continue;
          for (let fx = 0; fx < kW; fx++) {
            const ix = ox * sW - left + fx * dW;
            if (ix < 0 || ix >= inW) continue;
            dwTap(row, image + <usize>(iy * inW + ix) * inRow, w + <usize>(fy * kW + fx) * rowBytes, c, mult);
          }
        }
        if (relu != 0) {
          let k: usize = 0;
          for (; k < vec; k += 16) v128.store(row + k, f32x4.max(v128.load(row + k), ZERO));
          for (; k < rowBytes; k += 4) {
            const v = load<f32>(row + k);
            store<f32>(row + k, v > 0 ? v : (v == v ? <f32>0 : v));
          }
        }
        row += rowBytes;
      }
    }
  }
}

// The gradient reaching the pre-activation, in place in dy (relu: dy·step(y),
// step(NaN) = NaN), and its column sums into dbias (cm floats, 0: none).
export function depthwiseBiasGrad(dy: usize, y: usize, rows: i32, cm: i32, relu: i32, dbias: usize): void {
  const bytes = <usize>cm * 4;
  const vec = <usize>(cm & ~3) * 4;
  if (dbias != 0) memory.fill(dbias, 0, bytes);
  for (let r = 0; r < rows; r++) {
    const d = dy + <usize>r * bytes;
    const v = y + <usize>r * bytes;
    if (relu != 0) {
      let k: usize = 0;
      for (; k < vec; k += 16) {
        v128.store(d + k, v128.and(v128.load(d + k), f32x4.gt(v128.load(v + k), ZERO)));
      }
      for (; k < bytes; k += 4) {
        const yv = load<f32>(v + k);
        store<f32>(d + k, yv > 0 ? load<f32>(d + k) : (yv == yv ? load<f32>(d + k) * 0 : NaN));
      }
    }
    if (dbias != 0) {
      let k: usize = 0;
      for (; k < vec; k += 16) v128.store(dbias + k, f32x4.add(v128.load(dbias + k), v128.load(d + k)));
      for (; k < bytes; k += 4) store<f32>(dbias + k, load<f32>(dbias + k) + load<f32>(d + k));
    }
  }
}

// The input's gradient: each output pixel's row of dz, times each tap's
// kernel row, summed over mult and added onto the input row the tap read.
export function depthwiseBackwardInput(
  dz: usize, w: usize, dx: usize, batch: i32,
  inH: i32, inW: i32, c: i32, mult: i32, outH: i32, outW: i32, kH: i32, kW: i32,
  sH: i32, sW: i32, dH: i32, dW: i32, top: i32, left: i32,
): void {
  const cm = c * mult;
  const rowBytes = <usize>cm * 4;
  const inRow = <usize>c * 4;
  const vec = <usize>(c & ~3) * 4;
  memory.fill(dx, 0, <usize>batch * <usize>(inH * inW) * inRow);
  let row = dz;
  for (let b = 0; b < batch; b++) {
    const image = dx + <usize>b * <usize>(inH * inW) * inRow;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let fy = 0; fy < kH; fy++) {
          const iy = oy * sH - top + fy * dH;
          if (iy < 0 || iy >= inH) continue;
          for (let fx = 0; fx < kW; fx++) {
            const ix = ox * sW - left + fx * dW;
            if (ix < 0 || ix >= inW) continue;
            const xr = image + <usize>(iy * inW + ix) * inRow;
            const wr = w + <usize>(fy * kW + fx) * rowBytes;
            if (mult == 1) {
              let k: usize = 0;
              for (; k < vec; k += 16) {
                v128.store(xr + k, f32x4.add(v128.load(xr + k), f32x4.mul(v128.load(row + k), v128.load(wr + k))));
              }
              for (; k < inRow; k += 4) store<f32>(xr + k, load<f32>(xr + k) + load<f32>(row + k) * load<f32>(wr + k));
            } else {
              for (let ci = 0; ci < c; ci++) {
                let s: f32 = 0;
                const o = <usize>(ci * mult) * 4;
                for (let m = 0; m < mult; m++) s += load<f32>(row + o + <usize>m * 4) * load<f32>(wr + o + <usize>m * 4);
                store<f32>(xr + <usize>ci * 4, load<f32>(xr + <usize>ci * 4) + s);
              }
            }
          }
        }
        row += rowBytes;
      }
    }
  }
}

// The kernel's gradient: each tap's row accumulates the input row it read
// times the output pixel's row of dz (spread over mult).
export function depthwiseBackwardFilter(
  x: usize, dz: usize, dw: usize, batch: i32,
  inH: i32, inW: i32, c: i32, mult: i32, outH: i32, outW: i32, kH: i32, kW: i32,
  sH: i32, sW: i32, dH: i32, dW: i32, top: i32, left: i32,
): void {
  const cm = c * mult;
  const rowBytes = <usize>cm * 4;
  const inRow = <usize>c * 4;
  memory.fill(dw, 0, <usize>(kH * kW) * rowBytes);
  let row = dz;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * <usize>(inH * inW) * inRow;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let fy = 0; fy < kH; fy++) {
          const iy = oy * sH - top + fy * dH;
          if (iy < 0 || iy >= inH) continue;
          for (let fx = 0; fx < kW; fx++) {
            const ix = ox * sW - left + fx * dW;
            if (ix < 0 || ix >= inW) continue;
            // dw[tap] += x_row ⊗ dz_row: the forward's tap with dz in the kernel's place
            dwTap(dw + <usize>(fy * kW + fx) * rowBytes, image + <usize>(iy * inW + ix) * inRow, row, c, mult);
          }
        }
        row += rowBytes;
      }
    }
  }
}

// The activations of the convolutions (backend/conv_transpose_2d.ts):
// 0 linear, 1 relu (NaN kept), 2 sigmoid.
// @ts-ignore: decorator
@inline function vact(v: v128, act: i32): v128 {
  if (act == 1) return f32x4.max(v, ZERO);
  if (act == 2) return vsigmoid(v);
  return v;
}
// @ts-ignore: decorator
@inline function act1(v: f32, act: i32): f32 {
  if (act == 1) return v > 0 ? v : (v == v ? <f32>0 : v);
  if (act == 2) return sigmoid1(v);
  return v;
}

// The activation's derivative times d, from the output v: relu's step(v)
// (NaN where v is NaN, as dy·step(y)), sigmoid's v·(1 − v).
// @ts-ignore: decorator
@inline function vgrad(d: v128, v: v128, act: i32): v128 {
  if (act == 1) {
    const step = v128.bitselect(ONE, ZERO, f32x4.gt(v, ZERO));
    return f32x4.mul(d, v128.bitselect(v, step, f32x4.ne(v, v)));
  }
  if (act == 2) return f32x4.mul(d, f32x4.mul(v, f32x4.sub(ONE, v)));
  return d;
}
// @ts-ignore: decorator
@inline function grad1(d: f32, v: f32, act: i32): f32 {
  if (act == 1) return v > 0 ? d : (v == v ? d * 0 : v);
  if (act == 2) return d * (v * (1 - v));
  return d;
}

// y = act(y + bias) in place, rows of n (bias: n floats, 0: none).
export function biasActivation(y: usize, bias: usize, rows: i32, n: i32, act: i32): void {
  if (bias == 0 || n == 1) {
    // One run over everything, the bias (if any) the same for all.
    const b: f32 = bias == 0 ? 0 : load<f32>(bias);
    const b4 = f32x4.splat(b);
    const total = <usize>rows * <usize>n;
    const vec = (total & ~3) * 4;
    const bytes = total * 4;
    let k: usize = 0;
    for (; k < vec; k += 16) v128.store(y + k, vact(f32x4.add(v128.load(y + k), b4), act));
    for (; k < bytes; k += 4) store<f32>(y + k, act1(load<f32>(y + k) + b, act));
    return;
  }
  const bytes = <usize>n * 4;
  const vec = <usize>(n & ~3) * 4;
  for (let r = 0; r < rows; r++) {
    const row = y + <usize>r * bytes;
    let k: usize = 0;
    for (; k < vec; k += 16) {
      v128.store(row + k, vact(f32x4.add(v128.load(row + k), v128.load(bias + k)), act));
    }
    for (; k < bytes; k += 4) store<f32>(row + k, act1(load<f32>(row + k) + load<f32>(bias + k), act));
  }
}

// dz = dy·act'(y) (dz may be dy), and dbias (n floats, 0: none) = Σ over
// the rows of dz.
export function activationBiasGrad(
  dy: usize, y: usize, dz: usize, rows: i32, n: i32, act: i32, dbias: usize,
): void {
  if (n == 1) {
    const total = <usize>rows;
    const vec = (total & ~3) * 4;
    const bytes = total * 4;
    let s4 = ZERO;
    let k: usize = 0;
    for (; k < vec; k += 16) {
      const g = vgrad(v128.load(dy + k), v128.load(y + k), act);
      v128.store(dz + k, g);
      s4 = f32x4.add(s4, g);
    }
    let s = hsum(s4);
    for (; k < bytes; k += 4) {
      const g = grad1(load<f32>(dy + k), load<f32>(y + k), act);
      store<f32>(dz + k, g);
      s += g;
    }
    if (dbias != 0) store<f32>(dbias, s);
    return;
  }
  const bytes = <usize>n * 4;
  const vec = <usize>(n & ~3) * 4;
  if (dbias != 0) memory.fill(dbias, 0, bytes);
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * bytes;
    let k: usize = 0;
    for (; k < vec; k += 16) {
      const g = vgrad(v128.load(dy + o + k), v128.load(y + o + k), act);
      v128.store(dz + o + k, g);
      if (dbias != 0) v128.store(dbias + k, f32x4.add(v128.load(dbias + k), g));
    }
    for (; k < bytes; k += 4) {
      const g = grad1(load<f32>(dy + o + k), load<f32>(y + o + k), act);
      store<f32>(dz + o + k, g);
      if (dbias != 0) store<f32>(dbias + k, load<f32>(dbias + k) + g);
    }
  }
}

// dz = dy·step(y) (relu's gradient from its output, NaN where y is NaN; dz
// may be dy), and dbias (n float64s, n a multiple of 4) = Σ over the rows
// of dz, accumulated in float64 (backend/kernels/relu_bias_grad.ts).
export function reluBiasGrad64(dy: usize, y: usize, dz: usize, rows: i32, n: i32, dbias: usize): void {
  const bytes = <usize>n * 4;
  memory.fill(dbias, 0, bytes * 2);
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * bytes;
    for (let k: usize = 0; k < bytes; k += 16) {
      const g = vgrad(v128.load(dy + o + k), v128.load(y + o + k), 1);
      v128.store(dz + o + k, g);
      const lo = dbias + k * 2;
      v128.store(lo, f64x2.add(v128.load(lo), f64x2.promote_low_f32x4(g)));
      const hi = v128.shuffle<i32>(g, g, 2, 3, 0, 1);
      v128.store(lo + 16, f64x2.add(v128.load(lo + 16), f64x2.promote_low_f32x4(hi)));
    }
  }
}

// im2col and col2im for one channel (backend/conv_transpose_2d.ts): the
// same layouts as im2col/col2im with c = 1, one float per tap, without
// their per-tap copy loops.
export function im2col1(
  x: usize, cols: usize, first: i32, count: i32,
  inH: i32, inW: i32, outH: i32, outW: i32, fH: i32, fW: i32,
  sH: i32, sW: i32, dH: i32, dW: i32, top: i32, left: i32,
): void {
  let o = cols;
  for (let b = first; b < first + count; b++) {
    const image = x + <usize>b * <usize>(inH * inW) * 4;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sW - left;
        for (let fy = 0; fy < fH; fy++) {
          const iy = oy * sH - top + fy * dH;
          if (iy < 0 || iy >= inH) {
            for (let fx = 0; fx < fW; fx++) {
              store<f32>(o, 0);
              o += 4;
            }
            continue;
          }
          const row = image + <usize>(iy * inW) * 4;
          let ix = ix0;
          for (let fx = 0; fx < fW; fx++) {
            store<f32>(o, ix >= 0 && ix < inW ? load<f32>(row + <usize>ix * 4) : <f32>0);
            o += 4;
            ix += dW;
          }
        }
      }
    }
  }
}

export function col2im1(
  cols: usize, dx: usize, first: i32, count: i32,
  inH: i32, inW: i32, outH: i32, outW: i32, fH: i32, fW: i32,
  sH: i32, sW: i32, dH: i32, dW: i32, top: i32, left: i32,
): void {
  let o = cols;
  for (let b = first; b < first + count; b++) {
    const image = dx + <usize>b * <usize>(inH * inW) * 4;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sW - left;
        for (let fy = 0; fy < fH; fy++) {
          const iy = oy * sH - top + fy * dH;
          if (iy < 0 || iy >= inH) {
            o += <usize>fW * 4;
            continue;
          }
          const row = image + <usize>(iy * inW) * 4;
          let ix = ix0;
          for (let fx = 0; fx < fW; fx++) {
            if (ix >= 0 && ix < inW) {
              const p = row + <usize>ix * 4;
              store<f32>(p, load<f32>(p) + load<f32>(o));
            }
            o += 4;
            ix += dW;
          }
        }
      }
    }
  }
}
