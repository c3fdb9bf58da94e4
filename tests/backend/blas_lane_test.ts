/**
 * Lists of small products shared between the calling thread and a worker
 * (`backend/_blas_lane.ts`): every product equals a plain triple loop,
 * whichever thread ran it, transposes, offsets and leading dimensions
 * included; the worker does take products; lists longer than one run of
 * the shared table are all computed; a product reaching outside its arrays
 * is refused before anything runs; calls of the shared kernels run on
 * either thread with the same values (a softmax against one computed
 * here); and a program that used the worker still exits.
 */
import assert from "node:assert/strict";
import { blas } from "../../backend/_blas.ts";
import { CHUNK, ProductList } from "../../backend/_blas_lane.ts";
import { workspace } from "../../backend/_wasm_workspace.ts";
import { WASM_BASE64 as SHARED_KERNELS } from "../../backend/_kernels_shared_wasm.ts";
import { randomValues, skipWithoutBlas } from "./_helpers.ts";

const NO_BLAS = skipWithoutBlas("the BLAS lane's tests");

/** One product of the list: its flags, sizes, where A, B and C start, leading dimensions. */
interface Case {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  aAt: number;
  bAt: number;
  cAt: number;
  lda: number;
  ldb: number;
  ldc: number;
}

/** `C = alpha·op(A)·op(B) + beta·C`, row-major, in float64 (the reference). */
function reference(
  t: Case,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
): void {
  for (let i = 0; i < t.m; i++) {
    for (let j = 0; j < t.n; j++) {
      let sum = 0;
      for (let p = 0; p < t.k; p++) {
        const x = t.transA ? a[t.aAt + p * t.lda + i] : a[t.aAt + i * t.lda + p];
        const y = t.transB ? b[t.bAt + j * t.ldb + p] : b[t.bAt + p * t.ldb + j];
        sum += x * y;
      }
      const at = t.cAt + i * t.ldc + j;
      c[at] = t.alpha * sum + t.beta * c[at];
    }
  }
}

/** Products of every transpose pairing, written side by side into one C (disjoint blocks). */
function cases(count: number): Case[] {
  const out: Case[] = [];
  let cAt = 3;
  for (let i = 0; i < count; i++) {
    const transA = (i & 1) === 1;
    const transB = (i & 2) === 2;
    const [m, n, k] = [5 + (i % 7), 4 + (i % 5), 3 + (i % 6)];
    const lda = (transA ? m : k) + (i % 3);
    const ldb = (transB ? k : n) + 2;
    const ldc = n + 1;
    out.push({
      transA,
      transB,
      m,
      n,
      k,
      alpha: i % 4 === 0 ? 0.5 : 1,
      beta: i % 5 === 0 ? 2 : 0,
      aAt: 7 * (i % 9),
      bAt: 11 * (i % 4),
      cAt,
      lda,
      ldb,
      ldc,
    });
    cAt += m * ldc + 2;
  }
  return out;
}

function runCases(list: ProductList, all: Case[]) {
  const a = randomValues(4096, 1);
  const b = randomValues(4096, 2);
  const size = all.at(-1)!.cAt + all.at(-1)!.m * all.at(-1)!.ldc + 8;
  const c = randomValues(size, 3);
  const want = Float32Array.from(c);
  for (const t of all) {
    list.add(
      t.transA,
      t.transB,
      t.m,
      t.n,
      t.k,
      t.alpha,
      a,
      t.aAt,
      t.lda,
      b,
      t.bAt,
      t.ldb,
      t.beta,
      c,
      t.cAt,
      t.ldc,
    );
    reference(t, a, b, want);
  }
  list.run();
  return { got: c, want };
}

function assertClose(got: Float32Array, want: Float32Array) {
  for (let i = 0; i < want.length; i++) {
    assert.ok(
      Math.abs(got[i] - want[i]) <= 1e-5 * (1 + Math.abs(want[i])),
      `element ${i}: ${got[i]} against ${want[i]}`,
    );
  }
}

Deno.test({
  name: "ProductList computes every product as a triple loop does, on one thread or two",
  ignore: NO_BLAS,
  fn() {
    const lib = blas()!;
    const all = cases(64);
    // Only the caller (no worker), then shared: until the worker is up and has taken some.
    const alone = new ProductList(lib.path, () => {}, false);
    assert.equal(alone.hasWorker, false);
    const one = runCases(alone, all);
    assertClose(one.got, one.want);
    const shared = lib.productList();
    assert.equal(shared.hasWorker, true, "a worker started");
    const before = shared.workerProducts;
    const start = performance.now();
    let rounds = 0;
    while (shared.workerProducts === before && performance.now() - start < 10_000) {
      const two = runCases(shared, all);
      assertClose(two.got, two.want);
      // One product per thread gives the same bits whichever thread ran it.
      assert.deepEqual(two.got, one.got);
      rounds++;
    }
    assert.ok(
      shared.workerProducts > before,
      `the worker took no product in ${rounds} rounds of ${all.length}`,
    );
  },
});

Deno.test({
  name: "ProductList runs lists longer than its shared table, in turns",
  ignore: NO_BLAS,
  fn() {
    const lib = blas()!;
    const all = cases(CHUNK + 37);
    const { got, want } = runCases(lib.productList(), all);
    assertClose(got, want);
    // And a list that is empty or of one product.
    const list = lib.productList();
    list.run();
    const single = runCases(list, cases(1));
    assertClose(single.got, single.want);
  },
});

Deno.test({
  name: "ProductList refuses a product reaching outside its arrays before anything runs",
  ignore: NO_BLAS,
  fn() {
    const lib = blas()!;
    const list = lib.productList();
    const a = new Float32Array(12);
    const b = new Float32Array(12);
    const c = new Float32Array(9).fill(7);
    list.add(false, false, 3, 3, 4, 1, a, 0, 4, b, 0, 3, 0, c, 0, 3); // fits: 3×4 by 4×3
    assert.throws(
      () => list.add(false, false, 3, 3, 4, 1, a, 1, 4, b, 0, 3, 0, c, 0, 3),
      (e: Error) =>
        e instanceof RangeError && /3×4 by 4×3/.test(e.message) && /starts 1, 0, 0/.test(e.message),
    );
    assert.throws(
      () => list.add(true, false, 3, 3, 4, 1, a, 0, 2, b, 0, 3, 0, c, 0, 3),
      RangeError,
    );
    assert.throws(
      () => list.add(false, false, 3, 3, 4, 1, a, 0, 4, b, 0, 3, 0, c, 1, 3),
      RangeError,
    );
    assert.deepEqual([...c], Array(9).fill(7), "nothing ran");
  },
});

Deno.test({
  name:
    "ProductList's kernel calls run the shared kernels on either thread: a softmax per block of rows",
  ignore: NO_BLAS,
  fn() {
    const lib = blas()!;
    const [blocks, rows, cols] = [48, 5, 37];
    const n = blocks * rows * cols;
    const w = workspace(SHARED_KERNELS, { p: n });
    try {
      assert.ok(
        w.memory.buffer instanceof SharedArrayBuffer,
        "the shared kernels' memory is shared",
      );
      const input = randomValues(n, 9).map((v) => 30 * v);
      // Each row's softmax in float64, here.
      const want = new Float64Array(n);
      for (let r = 0; r < n; r += cols) {
        let max = -Infinity;
        for (let j = 0; j < cols; j++) max = Math.max(max, input[r + j]);
        let sum = 0;
        for (let j = 0; j < cols; j++) sum += Math.exp(input[r + j] - max);
        for (let j = 0; j < cols; j++) want[r + j] = Math.exp(input[r + j] - max) / sum;
      }
      const list = lib.productList();
      const before = list.workerProducts;
      const start = performance.now();
      let first: Float32Array | null = null;
      while (list.workerProducts === before && performance.now() - start < 10_000) {
        w.view("p").set(input);
        for (let b = 0; b < blocks; b++) {
          list.call(w, "softmaxRows", [(w.at.p + b * rows * cols) * 4, rows, cols, 0, 0]);
        }
        list.run();
        const got = w.view("p").slice();
        for (let i = 0; i < n; i++) {
          assert.ok(
            Math.abs(got[i] - want[i]) <= 2e-6,
            `element ${i}: ${got[i]} against ${want[i]}`,
          );
        }
        // Whichever thread ran a block, its bits are the same.
        if (first === null) first = got;
        else assert.deepEqual(got, first);
      }
      assert.ok(list.workerProducts > before, "the worker ran none of the calls");
      assert.throws(
        () => list.call(w, "lstmForward" as "softmaxRows", [0]),
        (e: Error) => e instanceof RangeError && /received lstmForward with 1/.test(e.message),
      );
      assert.throws(() => list.call(w, "softmaxRows", Array(18).fill(0)), /at most 17 arguments/);
    } finally {
      w.release();
    }
  },
});

Deno.test({
  name: "A program whose products used the worker exits by itself",
  ignore: NO_BLAS,
  async fn() {
    const lane = new URL("../../backend/_blas.ts", import.meta.url).href;
    const script = `
      import { blas } from ${JSON.stringify(lane)};
      const list = blas().productList();
      const a = new Float32Array(64 * 64).fill(1), c = new Float32Array(64 * 64);
      const start = performance.now();
      while (list.workerProducts === 0 && performance.now() - start < 10000) {
        for (let i = 0; i < 32; i++) list.add(false, false, 64, 64, 64, 1, a, 0, 64, a, 0, 64, 0, c, 0, 64);
        list.run();
      }
      console.log(list.workerProducts > 0 ? "worker used" : "worker idle", c[0]);
    `;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", "--ext=ts", script],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const { code, stdout, stderr } = await child.output();
    clearTimeout(timer);
    const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    assert.equal(code, 0, text);
    assert.match(text, /worker used 64/);
  },
});
