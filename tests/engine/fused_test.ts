/**
 * The seam (`engine/fused.ts`): generic code holds no backend code; every
 * replacement kerno's backend registers gives the plain definition's values
 * and gradients; optimizer rules are found by name, and a user's own
 * `updateStep` is never replaced by a backend's rule.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import "../../backend/mod.ts";
import { fused, type FusedOps, plainFusedOps } from "../../engine/fused.ts";
import { rowSparseRows } from "../../engine/row_sparse.ts";
import { Adam, AdamW, type Slots } from "../../optimizers/mod.ts";
import { assertClose, make, onKerno, project, rand } from "../backend/_helpers.ts";

const GENERIC = ["engine", "layers", "optimizers", "losses", "metrics", "callbacks", "io", "utils"];

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(new URL(`../../${dir}/`, import.meta.url))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...await sources(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

Deno.test("generic folders import nothing from backend/ and never branch on the backend", async () => {
  const offences: string[] = [];
  for (const dir of GENERIC) {
    for (const path of await sources(dir)) {
      // Choosing the backend is engine's one backend-aware job.
      if (path === "engine/backend_setup.ts") continue;
      const text = await Deno.readTextFile(new URL(`../../${path}`, import.meta.url));
      const code = text.split("\n").filter((line) => !/^\s*(\*|\/\/)/.test(line)).join("\n");
      if (/from\s+"(\.\.\/)+backend\//.test(code)) offences.push(`${path}: imports backend/`);
      if (/getBackend\(\)\s*[!=]==|[!=]==\s*tf\.getBackend\(\)/.test(code)) {
        offences.push(`${path}: compares the backend's name`);
      }
      if (/tf\.backend\(\)|MathBackendCPU|KERNO_BACKEND_NAME/.test(code)) {
        offences.push(`${path}: reaches into a backend`);
      }
    }
  }
  assert.deepEqual(offences, []);
});

/** Values of `fn`'s output and of its gradients with respect to `xs`. */
function valueAndGrads(fn: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]): Float32Array[] {
  return tf.tidy(() => {
    // A random weighted sum, so that every output element's gradient counts.
    const f = (...args: tf.Tensor[]) => project(fn(...args));
    const { value, grads } = tf.valueAndGrads(f)(xs);
    const out = fn(...xs);
    return [out, value, ...grads].map((t) => Float32Array.from(t.dataSync()));
  });
}

/** Asserts kerno's replacement of an op (through `fused`) equals its plain definition. */
function assertLikePlain<K extends keyof FusedOps>(
  name: K,
  args: () => tf.Tensor[],
  call: (op: FusedOps[K], xs: tf.Tensor[]) => tf.Tensor,
  tol = 1e-5,
): void {
  const xs = args();
  const got = valueAndGrads((...v) => call(fused[name], v), xs);
  const want = valueAndGrads((...v) => call(plainFusedOps[name], v), xs);
  want.forEach((w, i) => assertClose(got[i], w, tol, `${name} #${i}`));
  tf.dispose(xs);
}

Deno.test({
  name: "kerno's fused operations equal their plain definitions, gradients included",
  fn: () =>
    onKerno(() => {
      for (const activation of ["relu", "linear"] as const) {
        assertLikePlain(
          "denseBiasActivation",
          () => [make(rand([6, 5], 1)), make(rand([5, 4], 2)), make(rand([4], 3))],
          (op, [x, k, b]) => op(x as tf.Tensor2D, k as tf.Tensor2D, b as tf.Tensor1D, activation),
        );
        for (const padding of ["valid", "same"] as const) {
          assertLikePlain(
            "conv2dBiasActivation",
            () => [make(rand([2, 7, 6, 3], 4)), make(rand([3, 3, 3, 4], 5)), make(rand([4], 6))],
            (op, [x, f, b]) =>
              op(x as tf.Tensor4D, f as tf.Tensor4D, b as tf.Tensor1D, {
                strides: [2, 1],
                padding,
                dilations: [1, 1],
                activation,
              }),
          );
        }
      }
      const labels = tf.tensor1d([2, 0, 7, 1], "int32"); // 7 is out of range: 0, no gradient
      assertLikePlain(
        "sparseCrossentropyFromLogits",
        () => [tf.tidy(() => tf.mul(make(rand([4, 3], 7)), 6))],
        (op, [z]) => op(labels, z),
      );
      labels.dispose();
      for (const padding of ["valid", "same"] as const) {
        assertLikePlain(
          "maxPool2d",
          () => [make(rand([2, 5, 7, 3], 8))],
          (op, [x]) => op(x as tf.Tensor4D, [2, 3], [2, 2], padding),
        );
      }
    }),
});

Deno.test({
  name: "kerno's gatherGradient writes only the looked-up rows and marks them row-sparse",
  fn: () =>
    onKerno(() => {
      const initial = make(rand([10, 3], 9));
      const table = tf.variable(initial);
      initial.dispose();
      const optimizer = new Adam();
      // One dense step makes the optimizer keep the table where the backend
      // can write its gradient in place.
      tf.tidy(() => optimizer.applyGradients([tf.onesLike(table)], [table]));
      const ids = tf.tensor2d([[4, 1, 4], [9, 1, 0]], [2, 3], "int32");
      const dy = make(rand([2, 3, 3], 10));
      const want = tf.tidy(() => plainFusedOps.gatherGradient(table, ids, dy));
      const got = fused.gatherGradient(table, ids, dy);
      assert.deepEqual(Array.from(rowSparseRows(got) ?? []).sort((a, b) => a - b), [0, 1, 4, 9]);
      assert.deepEqual(Array.from(got.dataSync()), Array.from(want.dataSync()));
      tf.dispose([got, want, ids, dy, table]);
      optimizer.dispose();
    }),
});

Deno.test("fused.gatherRows copies the rows asked for, in order", () => {
  const before = tf.memory().numTensors;
  const data = { values: Float32Array.from([0, 1, 2, 3, 4, 5]), shape: [3, 2], dtype: "float32" };
  const t = fused.gatherRows(data as never, Int32Array.of(2, 0, 2));
  assert.deepEqual(t.shape, [3, 2]);
  assert.deepEqual(Array.from(t.dataSync()), [4, 5, 0, 1, 4, 5]);
  t.dispose();
  assert.equal(tf.memory().numTensors, before);
});

/** An Adam whose rule is replaced by plain descent: no backend may run Adam's rule for it. */
class MyDescent extends Adam {
  protected override updateStep(g: tf.Tensor, w: tf.Variable, _lr: number, _s: Slots): void {
    w.assign(tf.sub(w, g));
  }
}

Deno.test("Optimizer runs a subclass's own updateStep, never a backend's rule of its parent", () => {
  const w = tf.variable(tf.tensor1d([1, 2, 3]));
  const g = tf.tensor1d([0.5, 0.25, 1]);
  const optimizer = new MyDescent();
  optimizer.applyGradients([g], [w]);
  assert.deepEqual(Array.from(w.dataSync()), [0.5, 1.75, 2]);
  assert.equal((MyDescent as unknown as { updateRule?: string }).updateRule, "adam");
  tf.dispose([w, g]);
  optimizer.dispose();
});

Deno.test("AdamW states no rule of its own: it is Adam's rule after the decay", () => {
  assert.equal(Object.hasOwn(AdamW, "updateRule"), false);
  assert.equal(AdamW.updateRule, "adam");
});
