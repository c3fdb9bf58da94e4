/**
 * Arenas: one WebAssembly memory per trained variable, holding the variable's
 * storage, its optimizer slots and a scratch copy of its gradient, so that a
 * fused update can run as 4-lane SIMD WebAssembly on the same bytes the
 * tensors read. An arena's memory never grows (growing would detach every
 * view), so its views stay valid for the arena's life.
 *
 * The WebAssembly module is assembled here from its instructions (no binary
 * blob): one function, `adam`, the Keras 3 Adam rule in float32, computed op
 * by op in the same order as the generic tensor path.
 *
 * @module
 */

// Instruction bytes (WebAssembly core + fixed-width SIMD).
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_ADD = 0x6a;
const I32_GE_U = 0x4f;
const I32_CONST = 0x41;
const SIMD = 0xfd;
const V128_LOAD = [SIMD, 0x00, 0x00, 0x00]; // align 2^0, offset 0
const V128_STORE = [SIMD, 0x0b, 0x00, 0x00];
const F32X4_SPLAT = [SIMD, 0x13];
const F32X4_SQRT = [SIMD, 0xe3, 0x01];
const F32X4_ADD = [SIMD, 0xe4, 0x01];
const F32X4_SUB = [SIMD, 0xe5, 0x01];
const F32X4_MUL = [SIMD, 0xe6, 0x01];
const F32X4_DIV = [SIMD, 0xe7, 0x01];

// The `adam` function's parameters and locals.
const P = 0, G = 1, M = 2, V = 3, BYTES = 4, C1 = 5, C2 = 6, ALPHA = 7, EPS = 8;
const I = 9, VC1 = 10, VC2 = 11, VALPHA = 12, VEPS = 13, VG = 14, VM = 15, VV = 16;

const get = (i: number) => [LOCAL_GET, i];
const set = (i: number) => [LOCAL_SET, i];
const at = (base: number) => [...get(base), ...get(I), I32_ADD];

/** `adam(p, g, m, v, bytes, 1−β₁, 1−β₂, α, ε)` over byte offsets `[0, bytes)`. */
function adamBody(): number[] {
  return [
    ...[2, 1, 0x7f], // locals: 1 × i32 (i)
    ...[7, 0x7b], // 7 × v128
    ...get(C1),
    ...F32X4_SPLAT,
    ...set(VC1),
    ...get(C2),
    ...F32X4_SPLAT,
    ...set(VC2),
    ...get(ALPHA),
    ...F32X4_SPLAT,
    ...set(VALPHA),
    ...get(EPS),
    ...F32X4_SPLAT,
    ...set(VEPS),
    0x02,
    0x40, // block
    0x03,
    0x40, // loop
    ...get(I),
    ...get(BYTES),
    I32_GE_U,
    0x0d,
    0x01, // br_if out
    ...at(G),
    ...V128_LOAD,
    ...set(VG),
    // m = m + (g − m)·(1 − β₁)
    ...at(M),
    ...V128_LOAD,
    LOCAL_TEE,
    VM,
    ...get(VG),
    ...get(VM),
    ...F32X4_SUB,
    ...get(VC1),
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...set(VM),
    ...at(M),
    ...get(VM),
    ...V128_STORE,
    // v = v + (g² − v)·(1 − β₂)
    ...at(V),
    ...V128_LOAD,
    LOCAL_TEE,
    VV,
    ...get(VG),
    ...get(VG),
    ...F32X4_MUL,
    ...get(VV),
    ...F32X4_SUB,
    ...get(VC2),
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...set(VV),
    ...at(V),
    ...get(VV),
    ...V128_STORE,
    // p = p − (m·α) / (√v + ε)
    ...at(P),
    ...at(P),
    ...V128_LOAD,
    ...get(VM),
    ...get(VALPHA),
    ...F32X4_MUL,
    ...get(VV),
    ...F32X4_SQRT,
    ...get(VEPS),
    ...F32X4_ADD,
    ...F32X4_DIV,
    ...F32X4_SUB,
    ...V128_STORE,
    ...get(I),
    I32_CONST,
    0x10,
    I32_ADD,
    ...set(I), // i += 16
    0x0c,
    0x00, // br loop
    0x0b, // end loop
    0x0b, // end block
    0x0b, // end function
  ];
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const body = adamBody();
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // types: (i32 ×5, f32 ×4) → ()
    ...section(1, [1, 0x60, 9, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7d, 0x7d, 0x7d, 0x7d, 0]),
    // imports: env.memory, min 0 pages
    ...section(2, [1, ...name("env"), ...name("memory"), 0x02, 0x00, 0x00]),
    ...section(3, [1, 0]), // one function of type 0
    ...section(7, [1, ...name("adam"), 0x00, 0]), // export it
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

type AdamFn = (
  p: number,
  g: number,
  m: number,
  v: number,
  bytes: number,
  c1: number,
  c2: number,
  alpha: number,
  eps: number,
) => void;

let compiled: WebAssembly.Module | null | undefined;

function wasmModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = moduleBytes();
    compiled = typeof WebAssembly === "object" && WebAssembly.validate(bytes)
      ? new WebAssembly.Module(bytes)
      : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

const PAGE = 65536;

/** One variable's memory: the views handed out, and a gradient scratch region. */
export class Arena {
  /** The views, one per region asked for, in order (each `n` floats long). */
  readonly views: Float32Array[];
  #grad: Float32Array;
  #adam: AdamFn;
  #bytes: number;
  /** Whether the gradient region may hold non-zeros anywhere (a dense copy). */
  #dirtyAll = false;
  /** Rows (of `#dirtyWidth` floats) a sparse gradient wrote, to clear before the next. */
  #dirtyRows: Int32Array | null = null;
  #dirtyWidth = 0;
  /** Whether a live tensor stores the gradient region. */
  #held: (() => boolean) | null = null;

  /**
   * @param n Floats per region.
   * @param regions Regions to hand out (variable and slots); a gradient
   *   region is added after them.
   * @param module The compiled module.
   */
  constructor(n: number, regions: number, module: WebAssembly.Module) {
    this.#bytes = Math.ceil(n / 4) * 16; // padded so whole 4-lane vectors fit
    const total = this.#bytes * (regions + 1);
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(total / PAGE)) });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.#adam = instance.exports.adam as AdamFn;
    const region = (k: number) => new Float32Array(memory.buffer, k * this.#bytes, n);
    this.views = Array.from({ length: regions }, (_, k) => region(k));
    this.#grad = region(regions);
    for (const view of this.views) arenas.set(view, this);
  }

  /**
   * Keras 3's Adam step (no AMSGrad) in float32 SIMD on three of this
   * arena's views, reading `grad` (copied into the scratch region first).
   *
   * @returns Whether it ran (`false` when a view is not this arena's).
   */
  adam(
    param: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    c1: number,
    c2: number,
    alpha: number,
    epsilon: number,
  ): boolean {
    if (arenas.get(param) !== this || arenas.get(m) !== this || arenas.get(v) !== this) {
      return false;
    }
    if (grad.length !== this.#grad.length) return false;
    if (grad !== this.#grad) {
      if (this.#held?.() === true) return false; // a live tensor reads that region
      this.#grad.set(grad);
      this.#dirtyAll = true;
    }
    this.#adam(
      param.byteOffset,
      this.#grad.byteOffset,
      m.byteOffset,
      v.byteOffset,
      this.#bytes,
      c1,
      c2,
      alpha,
      epsilon,
    );
    return true;
  }

  /** The gradient region (read only outside this class); see {@link claimGradient}. */
  get gradient(): Float32Array {
    return this.#grad;
  }

  /**
   * The gradient region, all zeros, for a sparse gradient (rows `rows` of
   * width `width`) to be written into and stored as a tensor; `null` while
   * a live tensor still stores it. Those rows are cleared again at the next
   * claim, so a dense update can read the region as the whole gradient
   * without it ever being written in full.
   *
   * @param rows The rows the caller will write (copied).
   * @param width Floats per row.
   * @param held Whether the tensor given the region is still alive.
   * @returns The zeroed region, or `null`.
   */
  claimGradient(rows: Int32Array, width: number, held: () => boolean): Float32Array | null {
    if (this.#held?.() === true) return null;
    const g = this.#grad;
    if (this.#dirtyAll) g.fill(0);
    else if (this.#dirtyRows !== null) {
      const w = this.#dirtyWidth;
      const rows = this.#dirtyRows;
      // A loop, not fill(): thousands of short rows cost fill's call more than
      // the writes. Four rows at a time, so that their cache misses overlap.
      let i = 0;
      for (; i + 4 <= rows.length; i += 4) {
        const b0 = rows[i] * w, b1 = rows[i + 1] * w, b2 = rows[i + 2] * w, b3 = rows[i + 3] * w;
        for (let j = 0; j < w; j++) {
          g[b0 + j] = 0;
          g[b1 + j] = 0;
          g[b2 + j] = 0;
          g[b3 + j] = 0;
        }
      }
      for (; i < rows.length; i++) {
        const base = rows[i] * w;
        for (let j = 0; j < w; j++) g[base + j] = 0;
      }
    }
    this.#dirtyAll = false;
    this.#dirtyRows = Int32Array.from(rows);
    this.#dirtyWidth = width;
    this.#held = held;
    return g;
  }
}

const arenas = new WeakMap<Float32Array, Arena>();

/**
 * A new arena of `regions` views of `n` floats each, or `null` when this
 * runtime has no WebAssembly SIMD.
 *
 * @param n Floats per view.
 * @param regions Views wanted.
 * @returns The arena, or `null`.
 */
export function createArena(n: number, regions: number): Arena | null {
  const module = wasmModule();
  return module === null ? null : new Arena(n, regions, module);
}

/**
 * The arena a view was handed out by.
 *
 * @param view A typed array.
 * @returns Its arena, or `undefined`.
 */
export function arenaOf(view: Float32Array): Arena | undefined {
  return arenas.get(view);
}
