/**
 * Lists of independent small matrix products, run on two threads: the
 * calling one and a worker (`node:worker_threads`, unreferenced, so it never
 * keeps a program alive) that opens the same CBLAS library. Products too
 * small for OpenBLAS's own threading (attention's per-sample, per-head
 * products: 80×80 by 80×32 in the benchmark's transformer, a few
 * microseconds each) otherwise leave the second core idle.
 *
 * Both threads take products from one shared counter, so the split follows
 * their speed: when the worker is slow to wake, or its core is busy, the
 * caller simply runs more of them, and waits at the end only for a product
 * the worker has already begun. Without a worker (none could start) the
 * caller runs them all. Every product runs on one OpenBLAS thread, so the
 * values are the same whichever thread computes them.
 *
 * The products read and write the arrays through their addresses: an
 * array given to {@link ProductList.add} must stay alive, and must not be
 * resized (a WebAssembly memory must not grow), until
 * {@link ProductList.run} returns.
 *
 * @module
 */
import { Worker } from "node:worker_threads";

/** Numbers per product in the shared table. */
const FIELDS = 13;
/** Products per run of the shared table (12 bits of the state word). */
export const CHUNK = 4095;

/** Indices into the control words. */
const STATE = 0; // bits 0-11: next product to take; 12-23: products in this run; 24-30: run number
const BELL = 1; // rung (incremented) when a run starts
const DONE = 2; // products finished in this run
const READY = 3; // 1 once the worker opened the library, -1 if it could not
const ERRORS = 4; // products whose call threw (in the worker)
const TAKEN = 5; // products the worker ran, in all runs (for tests and profiles)

/** The pointer-taking `cblas_sgemm`, bound on both threads. */
const POINTER_SGEMM = {
  cblas_sgemm: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f32",
      "pointer",
      "i32",
      "pointer",
      "i32",
      "f32",
      "pointer",
      "i32",
    ],
    result: "void",
  },
} as const;

/**
 * The worker, as a module given by a `data:` address (so it travels with
 * this file, from a local checkout or from JSR alike). It claims products
 * exactly as {@link ProductList.run} does, with a compare-and-swap on the
 * state word, so a claim can only succeed on the run whose table is
 * current.
 */
const WORKER_SOURCE = `
const { workerData } = await import("node:worker_threads");
const { control, table, path, symbols } = workerData;
const c = new Int32Array(control);
const t = new Float64Array(table);
let sgemm;
try {
  sgemm = Deno.dlopen(path, symbols).symbols.cblas_sgemm;
  Atomics.store(c, ${READY}, 1);
} catch {
  Atomics.store(c, ${READY}, -1);
}
const at = (a) => Deno.UnsafePointer.create(BigInt(a));
while (sgemm !== undefined) {
  const bell = Atomics.load(c, ${BELL});
  for (;;) {
    const s = Atomics.load(c, ${STATE});
    const next = s & 4095;
    if (next >= ((s >>> 12) & 4095)) break;
    if (Atomics.compareExchange(c, ${STATE}, s, s + 1) !== s) continue;
    const o = next * ${FIELDS};
    try {
      sgemm(101, t[o], t[o + 1], t[o + 2], t[o + 3], t[o + 4], t[o + 5], at(t[o + 6]), t[o + 7],
        at(t[o + 8]), t[o + 9], t[o + 10], at(t[o + 11]), t[o + 12]);
    } catch {
      Atomics.add(c, ${ERRORS}, 1);
    }
    Atomics.add(c, ${TAKEN}, 1);
    Atomics.add(c, ${DONE}, 1);
    Atomics.notify(c, ${DONE});
  }
  Atomics.wait(c, ${BELL}, bell);
}
`;

/** CBLAS's enum values: row-major storage, and "as stored" / "transposed". */
const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** The shared memory of one library's lane, and its worker (if one started). */
interface Lane {
  control: Int32Array;
  table: Float64Array;
  sgemm: (...args: (number | Deno.PointerValue)[]) => void;
  worker: boolean;
}

const lanes = new Map<string, Lane>();

function laneFor(path: string, useWorker: boolean): Lane {
  const key = `${useWorker}:${path}`;
  const known = lanes.get(key);
  if (known !== undefined) return known;
  const control = new Int32Array(new SharedArrayBuffer(8 * 4));
  const table = new Float64Array(new SharedArrayBuffer(CHUNK * FIELDS * 8));
  const sgemm = Deno.dlopen(path, POINTER_SGEMM).symbols.cblas_sgemm as Lane["sgemm"];
  let worker = false;
  if (useWorker) {
    try {
      const started = new Worker(
        new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`),
        {
          workerData: {
            control: control.buffer,
            table: table.buffer,
            path,
            symbols: POINTER_SGEMM,
          },
        },
      );
      started.unref();
      worker = true;
    } catch {
      // no worker threads here: the caller runs every product
    }
  }
  const lane = { control, table, sgemm, worker };
  lanes.set(key, lane);
  return lane;
}

/**
 * Products collected by {@link ProductList.add} and run together by
 * {@link ProductList.run}, on this thread and the lane's worker.
 */
export class ProductList {
  readonly #lane: Lane;
  readonly #oneThread: () => void;
  /** Products added since the last run, as the table's numbers. */
  #pending: number[] = [];
  /** The last few arrays' addresses (an attention passes the same few arrays many times). */
  readonly #addresses = new Map<Float32Array, number>();

  /**
   * @param path The CBLAS library to open (the one `_blas.ts` opened).
   * @param oneThread Sets the library to one thread (each product runs on one).
   * @param useWorker Whether a worker may share the products. @default true
   */
  constructor(path: string, oneThread: () => void, useWorker = true) {
    this.#lane = laneFor(path, useWorker);
    this.#oneThread = oneThread;
  }

  /** Products the worker has run since the lane started (all lists of one library share it). */
  get workerProducts(): number {
    return Atomics.load(this.#lane.control, TAKEN);
  }

  /** Whether a worker was started (it may still be opening the library). */
  get hasWorker(): boolean {
    return this.#lane.worker;
  }

  #address(a: Float32Array): number {
    let at = this.#addresses.get(a);
    if (at === undefined) {
      if (this.#addresses.size >= 16) this.#addresses.clear();
      at = Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(a)));
      this.#addresses.set(a, at);
    }
    return at;
  }

  /**
   * Adds `C = alpha·op(A)·op(B) + beta·C` (row-major, as `cblas_sgemm`),
   * each matrix given as an array and the float where it starts.
   */
  add(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    aAt: number,
    lda: number,
    b: Float32Array,
    bAt: number,
    ldb: number,
    beta: number,
    c: Float32Array,
    cAt: number,
    ldc: number,
  ): void {
    const rowsA = transA ? k : m;
    const rowsB = transB ? n : k;
    const rowsC = m;
    // Every element the product touches must lie inside its array.
    const span = (rows: number, cols: number, ld: number) =>
      rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
    const fits = (arr: Float32Array, at: number, rows: number, cols: number, ld: number) =>
      at >= 0 && ld >= Math.max(1, cols) && at + span(rows, cols, ld) <= arr.length;
    if (
      !fits(a, aAt, rowsA, transA ? m : k, lda) || !fits(b, bAt, rowsB, transB ? k : n, ldb) ||
      !fits(c, cAt, rowsC, n, ldc)
    ) {
      throw new RangeError(
        `A product of ${m}×${k} by ${k}×${n} reaches outside its arrays (lengths ${a.length}, ${b.length}, ${c.length}; starts ${aAt}, ${bAt}, ${cAt}; leading dimensions ${lda}, ${ldb}, ${ldc})`,
      );
    }
    this.#pending.push(
      transA ? TRANS : NO_TRANS,
      transB ? TRANS : NO_TRANS,
      m,
      n,
      k,
      alpha,
      this.#address(a) + 4 * aAt,
      lda,
      this.#address(b) + 4 * bAt,
      ldb,
      beta,
      this.#address(c) + 4 * cAt,
      ldc,
    );
  }

  /** Runs every product added since the last run; returns when all are done. */
  run(): void {
    const pending = this.#pending;
    this.#pending = [];
    this.#addresses.clear();
    if (pending.length === 0) return;
    this.#oneThread();
    const { control, table, sgemm, worker } = this.#lane;
    const total = pending.length / FIELDS;
    const share = worker && Atomics.load(control, READY) === 1 && total > 1;
    const errors = Atomics.load(control, ERRORS);
    for (let first = 0; first < total; first += CHUNK) {
      const count = Math.min(CHUNK, total - first);
      for (let j = 0, from = first * FIELDS; j < count * FIELDS; j++) table[j] = pending[from + j];
      if (!share) {
        for (let i = 0; i < count; i++) call(sgemm, table, i);
        continue;
      }
      Atomics.store(control, DONE, 0);
      const run = ((Atomics.load(control, STATE) >>> 24) + 1) & 127;
      Atomics.store(control, STATE, (run << 24) | (count << 12));
      Atomics.add(control, BELL, 1);
      Atomics.notify(control, BELL);
      for (;;) {
        const s = Atomics.load(control, STATE);
        const next = s & 4095;
        if (next >= count) break;
        if (Atomics.compareExchange(control, STATE, s, s + 1) !== s) continue;
        call(sgemm, table, next);
        Atomics.add(control, DONE, 1);
      }
      // Only products the worker has begun remain: a few microseconds each.
      for (let spins = 0;; spins++) {
        const done = Atomics.load(control, DONE);
        if (done >= count) break;
        if (spins > 1000) Atomics.wait(control, DONE, done, 1);
      }
    }
    if (Atomics.load(control, ERRORS) !== errors) {
      throw new Error("A matrix product failed on kerno's second BLAS thread");
    }
  }
}

const at = (a: number) => Deno.UnsafePointer.create(BigInt(a));

function call(sgemm: Lane["sgemm"], t: Float64Array, i: number): void {
  const o = i * FIELDS;
  sgemm(
    ROW_MAJOR,
    t[o],
    t[o + 1],
    t[o + 2],
    t[o + 3],
    t[o + 4],
    t[o + 5],
    at(t[o + 6]),
    t[o + 7],
    at(t[o + 8]),
    t[o + 9],
    t[o + 10],
    at(t[o + 11]),
    t[o + 12],
  );
}
