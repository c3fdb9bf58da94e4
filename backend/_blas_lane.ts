/**
 * Lists of independent tasks, run on two threads: the calling one and a
 * worker (`node:worker_threads`, unreferenced, so it never keeps a program
 * alive) that opens the same CBLAS library and instantiates the shared
 * kernels (`_kernels_shared_wasm.ts`) on the same memories. A task is a
 * matrix product or a call of one of those kernels on part of the rows.
 * Products too small for OpenBLAS's own threading (attention's per-sample,
 * per-head products: 80×80 by 80×32 in the benchmark's transformer, a few
 * microseconds each) and the kernels' passes otherwise leave the second
 * core idle.
 *
 * Both threads take tasks from one shared counter, so the split follows
 * their speed: when the worker is slow to wake, or its core is busy, the
 * caller simply runs more of them, and waits at the end only for a task
 * the worker has already begun. Without a worker (none could start) the
 * caller runs them all. Every product runs on one OpenBLAS thread, and a
 * kernel call is the same code on either thread, so the values are the
 * same whichever thread computes them.
 *
 * The tasks read and write the arrays through their addresses: an array
 * given to {@link ProductList.add} (or a memory given to
 * {@link ProductList.call}) must stay alive, and must not be resized (a
 * WebAssembly memory must not grow), until {@link ProductList.run}
 * returns.
 *
 * @module
 */
import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";

/**
 * Numbers per task in the shared table: its kind, then a product's 13, or a
 * kernel call's memory, kernel, argument count and arguments (im2col's 17).
 */
const FIELDS = 21;
/** Task kinds. */
const PRODUCT = 1;
const KERNEL = 2;
/** The shared kernels a task may call (by index in the table). */
export const LANE_KERNELS = [
  "softmaxRows",
  "softmaxGradRows",
  "layerNormForward",
  "layerNormBackward",
  "im2col",
  "col2im",
  "biasActivation",
  "maxPool2x2",
  "reluBiasGrad64",
  "im2col1",
  "col2im1",
  "activationBiasGrad",
] as const;
/** A kernel a task may call. */
export type LaneKernel = typeof LANE_KERNELS[number];
/** A workspace of the shared kernels, as tasks use it: its memory, module and functions. */
export interface LaneKernels {
  /** The shared memory. */
  memory: WebAssembly.Memory;
  /** The shared kernels' module. */
  module: WebAssembly.Module;
  /** This thread's instance's functions. */
  fns: Record<string, (...args: number[]) => void>;
}
/**
 * Fewest floats a piece of {@link ProductList.split} covers (smaller ones
 * cost their hand-over more than they save): 32 K, a few tens of
 * microseconds of work.
 */
const LEAST_PIECE = 1 << 15;

/**
 * Adds up the pieces' partial sums, `pieces` runs of `n` after one another,
 * into the first run (in place, in the pieces' order).
 *
 * @param parts The partial sums.
 * @param n Values per piece.
 * @param pieces Pieces.
 * @returns The first `n` values: the sums.
 */
export function sumPieces<T extends Float32Array | Float64Array>(
  parts: T,
  n: number,
  pieces: number,
): T {
  for (let p = 1; p < pieces; p++) {
    for (let j = 0; j < n; j++) parts[j] += parts[p * n + j];
  }
  return parts.subarray(0, n) as T;
}
/** Most arguments of a kernel call. */
const MAX_ARGS = FIELDS - 4;
/** Memories the worker knows, by id modulo this. */
const MEMORY_SLOTS = 4096;
/** Tasks per run of the shared table (12 bits of the state word). */
export const CHUNK = 4095;

/** Indices into the control words. */
const STATE = 0; // bits 0-11: next product to take; 12-23: products in this run; 24-30: run number
const BELL = 1; // rung (incremented) when a run starts
const DONE = 2; // products finished in this run
const READY = 3; // 1 once the worker opened the library, -1 if it could not
const ERRORS = 4; // products whose call threw (in the worker)
const TAKEN = 5; // tasks the worker ran, in all runs (for tests and profiles)
const CONTROL_WORDS = 8;

/**
 * `cblas_sgemm`'s signature for `Deno.dlopen`, its three matrices passed as
 * `kind` (`"buffer"`: typed arrays; `"pointer"`: addresses).
 *
 * @param kind How the matrices are passed.
 * @returns The symbol's definition.
 */
export function sgemmSymbol<K extends "buffer" | "pointer">(kind: K) {
  return {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f32",
      kind,
      "i32",
      kind,
      "i32",
      "f32",
      kind,
      "i32",
    ] as const,
    result: "void",
  } as const;
}

/** The pointer-taking `cblas_sgemm`, bound on both threads. */
const POINTER_SGEMM = { cblas_sgemm: sgemmSymbol("pointer") };

/**
 * The worker, as a module given by a `data:` address (so it travels with
 * this file, from a local checkout or from JSR alike). It claims products
 * exactly as {@link ProductList.run} does, with a compare-and-swap on the
 * state word, so a claim can only succeed on the run whose table is
 * current.
 */
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = await import("node:worker_threads");
const { control, table, results, known, path, symbols, port, kernels } = workerData;
const c = new Int32Array(control);
const t = new Float64Array(table);
const r = new Float64Array(results);
const k = new Int32Array(known);
const instances = new Map();
let sgemm;
try {
  sgemm = Deno.dlopen(path, symbols).symbols.cblas_sgemm;
  Atomics.store(c, ${READY}, 1);
} catch {
  Atomics.store(c, ${READY}, -1);
}
const at = (a) => Deno.UnsafePointer.create(BigInt(a));
function news() {
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const { id, memory, module, forget } = m.message;
    const slot = id % ${MEMORY_SLOTS};
    if (forget) {
      instances.delete(id);
      Atomics.compareExchange(k, slot, id, 0);
      continue;
    }
    try {
      const fns = new WebAssembly.Instance(module, { env: { memory } }).exports;
      fns.init?.();
      instances.set(id, fns);
      Atomics.store(k, slot, id);
    } catch {
      // not known: the caller runs this memory's tasks itself
    }
  }
}
function task(i) {
  const o = i * ${FIELDS};
  if (t[o] === ${PRODUCT}) {
    sgemm(101, t[o + 1], t[o + 2], t[o + 3], t[o + 4], t[o + 5], t[o + 6], at(t[o + 7]), t[o + 8],
      at(t[o + 9]), t[o + 10], t[o + 11], at(t[o + 12]), t[o + 13]);
  } else {
    const fn = instances.get(t[o + 1])[kernels[t[o + 2]]];
    r[i] = fn(...t.subarray(o + 4, o + 4 + t[o + 3])) ?? 0;
  }
}
while (sgemm !== undefined) {
  const bell = Atomics.load(c, ${BELL});
  news();
  for (;;) {
    const s = Atomics.load(c, ${STATE});
    const next = s & 4095;
    if (next >= ((s >>> 12) & 4095)) break;
    if (Atomics.compareExchange(c, ${STATE}, s, s + 1) !== s) continue;
    try {
      task(next);
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
  /** What each task of the current run returned (a kernel's result; 0 for a product). */
  results: Float64Array;
  /** Per memory slot, the id of the memory the worker has instantiated the kernels on. */
  known: Int32Array;
  sgemm: (...args: (number | Deno.PointerValue)[]) => void;
  worker: boolean;
  /** Where memories are sent to the worker. */
  port: MessagePort | null;
}

/** The ids of the memories sent to the worker. */
const memoryIds = new WeakMap<WebAssembly.Memory, number>();
let lastMemoryId = 0;
/** Tells the worker to forget a memory the caller no longer holds. */
const forgetting = new FinalizationRegistry<{ lane: Lane; id: number }>(({ lane, id }) => {
  try {
    lane.port?.postMessage({ id, forget: true });
  } catch {
    // the lane is gone
  }
});

const lanes = new Map<string, Lane>();

function laneFor(path: string, useWorker: boolean): Lane {
  const key = `${useWorker}:${path}`;
  const existing = lanes.get(key);
  if (existing !== undefined) return existing;
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  const table = new Float64Array(new SharedArrayBuffer(CHUNK * FIELDS * 8));
  const known = new Int32Array(new SharedArrayBuffer(MEMORY_SLOTS * 4));
  const results = new Float64Array(new SharedArrayBuffer(CHUNK * 8));
  const sgemm = Deno.dlopen(path, POINTER_SGEMM).symbols.cblas_sgemm as Lane["sgemm"];
  let worker = false;
  let port: MessagePort | null = null;
  if (useWorker) {
    try {
      const channel = new MessageChannel();
      const started = new Worker(
        new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`),
        {
          workerData: {
            control: control.buffer,
            table: table.buffer,
            results: results.buffer,
            known: known.buffer,
            path,
            symbols: POINTER_SGEMM,
            port: channel.port2,
            kernels: LANE_KERNELS,
          },
          transferList: [channel.port2],
        },
      );
      // A worker that fails never sets READY: the caller then runs every task itself.
      started.on("error", () => Atomics.store(control, READY, -1));
      started.unref();
      channel.port1.unref();
      port = channel.port1;
      worker = true;
    } catch {
      // no worker threads here: the caller runs every task
    }
  }
  const lane = { control, table, results, known, sgemm, worker, port };
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
  /** Tasks added since the last run, as the table's numbers. */
  #pending: number[] = [];
  /** The kernels of the memories this run's kernel calls use, by memory id (this thread's instances). */
  #kernels = new Map<number, Record<string, (...args: number[]) => void>>();
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

  /** Tasks (products and kernel calls) the worker has run since the lane started (all lists of one library share it). */
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
      PRODUCT,
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
    for (let i = 14; i < FIELDS; i++) this.#pending.push(0);
  }

  /**
   * Adds a call of one of the shared kernels ({@link LANE_KERNELS}) on a
   * workspace of the shared module (`_kernels_shared_wasm.ts`): the worker
   * runs it on its own instance on the same memory. Calls that may run at
   * once must write disjoint bytes.
   *
   * @param kernels The workspace's memory, module and functions.
   * @param name The kernel.
   * @param args Its arguments (addresses in bytes, sizes), at most 17.
   */
  call(
    kernels: LaneKernels,
    name: LaneKernel,
    args: number[],
  ): void {
    const index = LANE_KERNELS.indexOf(name);
    if (index < 0 || args.length > MAX_ARGS) {
      throw new RangeError(
        `A lane task calls one of ${
          LANE_KERNELS.join(", ")
        } with at most ${MAX_ARGS} arguments: received ${name} with ${args.length}`,
      );
    }
    const id = this.#memoryId(kernels.memory, kernels.module);
    this.#kernels.set(id, kernels.fns);
    this.#pending.push(KERNEL, id, index, args.length, ...args);
    for (let i = args.length; i < MAX_ARGS; i++) this.#pending.push(0);
  }

  /**
   * Adds calls of a kernel over the items `[0, total)` in pieces (up to
   * {@link ProductList.PIECES}, none under 32 K floats unless the whole
   * is), each piece's arguments given by `argsFor`: a pass over rows or
   * images, shared between the threads.
   *
   * @param kernels The workspace's memory, module and functions.
   * @param name The kernel.
   * @param total Items (rows, images) in all.
   * @param floatsPerItem Floats an item (a row, an image) covers.
   * @param argsFor The arguments of the call on items `[first, first + count)`,
   *   the `piece`-th (from 0; a piece may keep its own partial sums there).
   * @returns How many pieces were added.
   */
  split(
    kernels: LaneKernels,
    name: LaneKernel,
    total: number,
    floatsPerItem: number,
    argsFor: (first: number, count: number, piece: number) => number[],
  ): number {
    const least = Math.max(1, Math.ceil(LEAST_PIECE / Math.max(1, floatsPerItem)));
    const pieces = Math.max(1, Math.min(ProductList.PIECES, Math.floor(total / least)));
    const size = Math.ceil(total / pieces);
    let piece = 0;
    for (let first = 0; first < total; first += size, piece++) {
      this.call(kernels, name, argsFor(first, Math.min(size, total - first), piece));
    }
    return piece;
  }

  /** Most pieces {@link ProductList.split} cuts a pass into (more than two, so the faster thread takes more). */
  static readonly PIECES = 8;

  /** The id of a memory, sent to the worker (with the module to run on it) the first time. */
  #memoryId(memory: WebAssembly.Memory, module: WebAssembly.Module): number {
    let id = memoryIds.get(memory);
    if (id !== undefined) return id;
    id = ++lastMemoryId;
    memoryIds.set(memory, id);
    const lane = this.#lane;
    if (lane.port !== null && memory.buffer instanceof SharedArrayBuffer) {
      lane.port.postMessage({ id, memory, module });
      forgetting.register(memory, { lane, id });
      // Wake the worker, so that it takes the memory before it is needed.
      Atomics.add(lane.control, BELL, 1);
      Atomics.notify(lane.control, BELL);
    }
    return id;
  }

  /**
   * Runs every task added since the last run; returns when all are done.
   *
   * @returns What each task returned, in the order they were added (a
   *   kernel's result, as `maxPool2x2`'s "no NaN" flag; 0 for a product).
   */
  run(): Float64Array {
    const pending = this.#pending;
    const kernels = this.#kernels;
    this.#pending = [];
    this.#kernels = new Map();
    this.#addresses.clear();
    const total = pending.length / FIELDS;
    const returned = new Float64Array(total);
    if (total === 0) return returned;
    this.#oneThread();
    const { control, table, results, known, sgemm, worker } = this.#lane;
    let share = worker && Atomics.load(control, READY) === 1 && total > 1;
    for (const id of kernels.keys()) {
      if (Atomics.load(known, id % MEMORY_SLOTS) !== id) share = false;
    }
    const task = (i: number) => {
      const o = i * FIELDS;
      if (table[o] === PRODUCT) {
        product(sgemm, table, o);
        results[i] = 0;
        return;
      }
      const fn = kernels.get(table[o + 1])![LANE_KERNELS[table[o + 2]]];
      results[i] = (fn(...table.subarray(o + 4, o + 4 + table[o + 3])) as unknown as number) ?? 0;
    };
    const errors = Atomics.load(control, ERRORS);
    for (let first = 0; first < total; first += CHUNK) {
      const count = Math.min(CHUNK, total - first);
      for (let j = 0, from = first * FIELDS; j < count * FIELDS; j++) table[j] = pending[from + j];
      if (share) {
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
          task(next);
          Atomics.add(control, DONE, 1);
        }
        // Only tasks the worker has begun remain: a few microseconds each.
        for (let spins = 0;; spins++) {
          const done = Atomics.load(control, DONE);
          if (done >= count) break;
          if (spins > 1000) Atomics.wait(control, DONE, done, 1);
        }
      } else {
        for (let i = 0; i < count; i++) task(i);
      }
      returned.set(results.subarray(0, count), first);
    }
    if (Atomics.load(control, ERRORS) !== errors) {
      throw new Error("A task failed on kerno's second thread (a matrix product or a kernel call)");
    }
    return returned;
  }
}

const at = (a: number) => Deno.UnsafePointer.create(BigInt(a));

function product(sgemm: Lane["sgemm"], t: Float64Array, o: number): void {
  sgemm(
    ROW_MAJOR,
    t[o + 1],
    t[o + 2],
    t[o + 3],
    t[o + 4],
    t[o + 5],
    t[o + 6],
    at(t[o + 7]),
    t[o + 8],
    at(t[o + 9]),
    t[o + 10],
    t[o + 11],
    at(t[o + 12]),
    t[o + 13],
  );
}
