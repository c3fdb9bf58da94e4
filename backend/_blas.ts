/**
 * Finds and opens a CBLAS library through Deno's foreign function interface
 * and exposes `cblas_sgemm`, the single-precision matrix product that kerno's
 * matrix-product and convolution kernels are built on.
 *
 * Typed arrays are passed to the library as "buffer" parameters: Deno hands
 * the library a pointer to the array's own memory, so nothing is copied.
 *
 * @module
 */

import { ProductList, sgemmSymbol } from "./_blas_lane.ts";

/** CBLAS's enum value for row-major storage. */
export const ROW_MAJOR = 101;
/** CBLAS's enum value for "use the matrix as stored". */
export const NO_TRANS = 111;
/** CBLAS's enum value for "use the transpose of the matrix". */
export const TRANS = 112;

/**
 * `C = alpha * op(A) * op(B) + beta * C` in row-major storage, as CBLAS's
 * `cblas_sgemm` computes it.
 */
export type Sgemm = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  lda: number,
  b: Float32Array,
  ldb: number,
  beta: number,
  c: Float32Array,
  ldc: number,
) => void;

/** A loaded CBLAS: its path and its matrix product. */
export interface Blas {
  /** The library name or path that opened. */
  path: string;
  /** The row-major single-precision matrix product (one thread for small products). */
  sgemm: Sgemm;
  /** `cblas_sgemm` as the library runs it, with its own threading. */
  sgemmRaw: Sgemm;
  /**
   * `y += alpha·x` over `x.length` floats (`cblas_saxpy`, on one thread),
   * or `null` when the library lacks it.
   */
  axpy: ((alpha: number, x: Float32Array, y: Float32Array) => void) | null;
  /**
   * A list of independent products to run together, each on one thread,
   * shared between this thread and a second one ({@link ProductList}).
   */
  productList(): ProductList;
}

const SYMBOLS = {
  cblas_sgemm: sgemmSymbol("buffer"),
  cblas_saxpy: {
    parameters: ["i32", "f32", "buffer", "i32", "buffer", "i32"],
    result: "void",
    optional: true,
  },
  openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
  openblas_get_num_threads: { parameters: [], result: "i32", optional: true },
} as const;

/**
 * Products below this many multiply-adds (2²² ≈ 4 M) run on one thread:
 * waking OpenBLAS's workers costs more than they save. From here up the
 * thread count is chosen by measured speed, for each product shape apart
 * ({@link ShapeChoosers}). On an idle machine two threads win: the
 * transformer workload's steps 11% and the mlp's 17% faster (its 2560×64
 * by 64×192 product: 98 → 154 GFLOP/s), the cnn's convolution products of
 * 143 M 1.3-1.7× faster. But with one core busy elsewhere, two threads wait
 * on the busy one: the mlp's 64×784 by 784×256 took 0.3-0.5 ms on one
 * thread and 3-5 ms on two, and with every product of 32 M and more held
 * to two threads, steps took 23.0 ms (autoencoder) and 29.0 ms (cnn) where
 * choosing took 17.1 and 23.7 (on an idle machine 12.4 and 18.9 against
 * 12.8 and 18.7: the same within the noise).
 */
export const ADAPTIVE_FROM = 1 << 22;

/**
 * Chooses one or all threads for a product shape by their measured rates
 * (multiply-adds per millisecond, an average over recent calls of each
 * choice), trying the other choice every {@link ThreadChooser.EXPLORE}
 * calls so that a change of load is seen, or every
 * {@link ThreadChooser.EXPLORE_FAR} calls while one choice is well ahead
 * (each try of the slower one costs its difference).
 */
export class ThreadChooser {
  /** One call in this many tries the choice that is not preferred. */
  static readonly EXPLORE = 16;
  /** …or in this many, while the preferred one is {@link ThreadChooser.FAR_AHEAD} times as fast. */
  static readonly EXPLORE_FAR = 64;
  /** The ratio of rates from which the rarer tries apply. */
  static readonly FAR_AHEAD = 1.25;
  /** Weight of a new measurement in a choice's average rate. */
  static readonly SMOOTHING = 0.2;
  /** Average rate of one thread and of all threads; `0` until measured. */
  readonly rates: [number, number] = [0, 0];
  #calls = 0;

  /** @returns `true` to use every thread for the next product of this shape. */
  pick(): boolean {
    const [one, all] = this.rates;
    if (one === 0 || all === 0) return one !== 0; // measure each choice once first
    const preferAll = all > one;
    const far = Math.max(one, all) >= ThreadChooser.FAR_AHEAD * Math.min(one, all);
    const every = far ? ThreadChooser.EXPLORE_FAR : ThreadChooser.EXPLORE;
    return ++this.#calls % every === 0 ? !preferAll : preferAll;
  }

  /**
   * Records how fast a product ran.
   *
   * @param all Whether it ran on every thread.
   * @param work Its multiply-adds.
   * @param ms Its time.
   */
  record(all: boolean, work: number, ms: number): void {
    const rate = work / Math.max(ms, 1e-3);
    const i = all ? 1 : 0;
    const a = ThreadChooser.SMOOTHING;
    this.rates[i] = this.rates[i] === 0 ? rate : (1 - a) * this.rates[i] + a * rate;
  }
}

/**
 * One {@link ThreadChooser} per product shape (transposes, `m`, `n`, `k`):
 * products of different shapes run at different rates and gain differently
 * from a second thread (inside `fit`, the benchmark's first convolution,
 * 43264×9 by 9×32, took 0.7 ms on one thread and 1.6-2.3 ms on two, while
 * the transformer's 2560×64 by 64×192 gains from two), so one average over
 * all of them picks wrongly for some. Past {@link ShapeChoosers.MAX_SHAPES}
 * shapes, the rest share one chooser.
 */
export class ShapeChoosers {
  /** Shapes with a chooser of their own. */
  static readonly MAX_SHAPES = 256;
  readonly #byShape = new Map<string, ThreadChooser>();
  readonly #shared = new ThreadChooser();

  /**
   * The chooser for one product shape.
   *
   * @param transA Whether `a` is transposed.
   * @param transB Whether `b` is transposed.
   * @param m Rows of the product.
   * @param n Columns of the product.
   * @param k The inner dimension.
   * @returns Its chooser (created on first use).
   */
  get(transA: boolean, transB: boolean, m: number, n: number, k: number): ThreadChooser {
    const key = `${+transA}${+transB}:${m}x${n}x${k}`;
    let chooser = this.#byShape.get(key);
    if (chooser === undefined) {
      if (this.#byShape.size >= ShapeChoosers.MAX_SHAPES) return this.#shared;
      chooser = new ThreadChooser();
      this.#byShape.set(key, chooser);
    }
    return chooser;
  }
}

let cached: Blas | string | undefined;

/**
 * Reads an environment variable when `--allow-env` grants it, treating a
 * denied or prompting permission as "unset".
 *
 * @param name The variable's name.
 * @returns Its value, or `undefined`.
 */
export function readEnv(name: string): string | undefined {
  try {
    const status = Deno.permissions.querySync({ name: "env", variable: name });
    if (status.state !== "granted") return undefined;
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The value of `KERNO_BLAS` that turns BLAS off: kerno then behaves exactly
 * as if no library were found (the `cpu` backend, with one line saying why).
 */
const BLAS_OFF = "none";

/**
 * Whether `KERNO_BLAS=none` asks kerno to load no BLAS library.
 *
 * @returns `true` when `KERNO_BLAS` is `none` (any case) and readable.
 */
function blasTurnedOff(): boolean {
  return readEnv("KERNO_BLAS")?.toLowerCase() === BLAS_OFF;
}

/**
 * The library names to try, in order: `KERNO_BLAS`, then the usual CBLAS
 * names of the platform; none when `KERNO_BLAS=none`.
 *
 * @returns The candidate names or paths.
 */
export function blasCandidates(): string[] {
  if (blasTurnedOff()) return [];
  const names: string[] = [];
  const fromEnv = readEnv("KERNO_BLAS");
  if (fromEnv) names.push(fromEnv);
  if (Deno.build.os === "darwin") {
    names.push(
      "/System/Library/Frameworks/Accelerate.framework/Accelerate",
      "libopenblas.dylib",
      "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
      "/usr/local/opt/openblas/lib/libopenblas.dylib",
    );
  } else if (Deno.build.os === "windows") {
    names.push("libopenblas.dll", "openblas.dll");
  } else {
    names.push("libopenblas.so.0", "libopenblas.so", "libblas.so.3", "libcblas.so.3");
  }
  return names;
}

function wrap(path: string): Blas {
  const lib = Deno.dlopen(path, SYMBOLS);
  const raw = lib.symbols.cblas_sgemm;
  const setThreads = lib.symbols.openblas_set_num_threads;
  const maxThreads = lib.symbols.openblas_get_num_threads?.() ?? 1;
  let threads = maxThreads;
  const sgemmRaw: Sgemm = (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => {
    raw(
      ROW_MAJOR,
      transA ? TRANS : NO_TRANS,
      transB ? TRANS : NO_TRANS,
      m,
      n,
      k,
      alpha,
      a,
      lda,
      b,
      ldb,
      beta,
      c,
      ldc,
    );
  };
  const choosers = new ShapeChoosers();
  const sgemm: Sgemm = (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => {
    if (setThreads === null || maxThreads <= 1) {
      sgemmRaw(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
      return;
    }
    const work = m * n * k;
    const chooser = work >= ADAPTIVE_FROM ? choosers.get(transA, transB, m, n, k) : null;
    const all = chooser !== null && chooser.pick();
    const wanted = all ? maxThreads : 1;
    if (wanted !== threads) {
      setThreads(wanted);
      threads = wanted;
    }
    if (chooser === null) {
      sgemmRaw(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
      return;
    }
    const start = performance.now();
    sgemmRaw(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    chooser.record(all, work, performance.now() - start);
  };
  const oneThread = () => {
    if (setThreads !== null && threads !== 1) {
      setThreads(1);
      threads = 1;
    }
  };
  const saxpy = lib.symbols.cblas_saxpy;
  const axpy = saxpy === null ? null : (alpha: number, x: Float32Array, y: Float32Array) => {
    if (x.length !== y.length) {
      throw new RangeError(
        `axpy needs x and y of one length: received ${x.length} and ${y.length}`,
      );
    }
    oneThread();
    saxpy(x.length, alpha, x, 1, y, 1);
  };
  return {
    path,
    sgemm,
    sgemmRaw,
    axpy,
    productList: () => new ProductList(path, oneThread),
  };
}

/**
 * Opens a CBLAS once and remembers the outcome.
 *
 * @returns The library, or a sentence saying why none could be used
 *   (no `--allow-ffi`, `KERNO_BLAS=none`, no library found).
 */
export function loadBlas(): Blas | string {
  if (cached !== undefined) return cached;
  cached = openBlas();
  return cached;
}

function openBlas(): Blas | string {
  let ffi: Deno.PermissionState;
  try {
    ffi = Deno.permissions.querySync({ name: "ffi" }).state;
  } catch {
    ffi = "denied";
  }
  if (ffi !== "granted") return "--allow-ffi is not granted";
  if (blasTurnedOff()) return `BLAS not loaded (KERNO_BLAS=${BLAS_OFF})`;
  const tried = blasCandidates();
  for (const path of tried) {
    try {
      return wrap(path);
    } catch {
      // try the next name
    }
  }
  return `BLAS not found (tried ${tried.join(", ")}; set KERNO_BLAS to a CBLAS library)`;
}

/**
 * The loaded CBLAS, or `null` when none is usable.
 *
 * @returns The library or `null`.
 */
export function blas(): Blas | null {
  const loaded = loadBlas();
  return typeof loaded === "string" ? null : loaded;
}
