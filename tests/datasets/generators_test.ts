import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { blobs, moons, regression, spirals } from "../../datasets/mod.ts";

function classCounts(y: tf.Tensor): number[] {
  const out: number[] = [];
  for (const v of y.dataSync()) out[v] = (out[v] ?? 0) + 1;
  return out;
}

function rowsOf(x: tf.Tensor): number[][] {
  return x.arraySync() as number[][];
}

Deno.test("spirals makes shuffled 2-D arms with radius in [0, 1]", () => {
  const before = tf.memory().numTensors;
  const { x, y } = spirals({ samples: 301, classes: 3, noise: 0, seed: 1 });
  assert.equal(tf.memory().numTensors, before + 2);
  assert.deepEqual(x.shape, [301, 2]);
  assert.equal(x.dtype, "float32");
  assert.equal(y.dtype, "int32");
  assert.deepEqual(classCounts(y), [101, 100, 100]);
  const labels = [...y.dataSync()];
  assert.notDeepEqual(labels.slice(0, 100), new Array(100).fill(0), "shuffled");
  // without noise a point at radius r of arm c has angle 4c + 4r
  rowsOf(x).forEach(([a, b], i) => {
    const r = Math.hypot(a, b);
    assert.ok(r <= 1 + 1e-6);
    const t = 4 * labels[i] + 4 * r;
    assert.ok(Math.abs(a - r * Math.sin(t)) < 1e-5 && Math.abs(b - r * Math.cos(t)) < 1e-5);
  });
  tf.dispose([x, y]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("moons places class 0 on the upper and class 1 on the lower half circle", () => {
  const { x, y } = moons({ samples: 101, noise: 0, seed: 2 });
  assert.deepEqual(x.shape, [101, 2]);
  assert.deepEqual(classCounts(y), [50, 51]);
  const labels = [...y.dataSync()];
  rowsOf(x).forEach(([a, b], i) => {
    if (labels[i] === 0) {
      assert.ok(Math.abs(a * a + b * b - 1) < 1e-5 && b >= -1e-6);
    } else {
      assert.ok(Math.abs((1 - a) ** 2 + (0.5 - b) ** 2 - 1) < 1e-5 && b <= 0.5 + 1e-6);
    }
  });
  tf.dispose([x, y]);
});

Deno.test("blobs centres each class on its center with the given spread", () => {
  const centers = [[0, 0], [10, 10], [-10, 5]];
  const { x, y } = blobs({ samples: 3000, centers, clusterStd: 0.5, seed: 3 });
  assert.deepEqual(x.shape, [3000, 2]);
  assert.deepEqual(classCounts(y), [1000, 1000, 1000]);
  const rows = rowsOf(x);
  const labels = [...y.dataSync()];
  centers.forEach((center, k) => {
    const mine = rows.filter((_, i) => labels[i] === k);
    center.forEach((c, j) => {
      const mean = mine.reduce((s, r) => s + r[j], 0) / mine.length;
      const std = Math.sqrt(mine.reduce((s, r) => s + (r[j] - mean) ** 2, 0) / mine.length);
      assert.ok(Math.abs(mean - c) < 0.1, `mean ${mean} vs ${c}`);
      assert.ok(Math.abs(std - 0.5) < 0.05, `std ${std}`);
    });
  });
  tf.dispose([x, y]);
  const drawn = blobs({ samples: 10, centers: 4, features: 5, seed: 3 });
  assert.deepEqual(drawn.x.shape, [10, 5]);
  assert.deepEqual(classCounts(drawn.y), [3, 3, 2, 2]);
  tf.dispose([drawn.x, drawn.y]);
});

Deno.test("regression targets are x . coef + bias, plus noise of the given size", () => {
  const clean = regression({ samples: 100, features: 3, noise: 0, bias: 2, seed: 4 });
  assert.deepEqual(clean.x.shape, [100, 3]);
  assert.deepEqual(clean.y.shape, [100, 1]);
  assert.equal(clean.y.dtype, "float32");
  assert.equal(clean.coef.length, 3);
  assert.ok(clean.coef.every((c) => c >= -2 && c <= 2));
  const ys = [...clean.y.dataSync()];
  rowsOf(clean.x).forEach((row, i) => {
    const expected = 2 + row.reduce((s, v, j) => s + v * clean.coef[j], 0);
    assert.ok(Math.abs(ys[i] - expected) < 1e-4);
  });
  const noisy = regression({ samples: 4000, features: 3, noise: 0.5, bias: 2, seed: 4 });
  const ny = [...noisy.y.dataSync()];
  const residuals = rowsOf(noisy.x).map((row, i) =>
    ny[i] - 2 - row.reduce((s, v, j) => s + v * noisy.coef[j], 0)
  );
  const std = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / residuals.length);
  assert.ok(Math.abs(std - 0.5) < 0.03, `noise std ${std}`);
  tf.dispose([clean.x, clean.y, noisy.x, noisy.y]);
});

Deno.test("generators are deterministic by seed", () => {
  const makers = [
    (seed: number) => spirals({ seed }),
    (seed: number) => moons({ seed }),
    (seed: number) => blobs({ seed }),
    (seed: number) => regression({ seed }),
  ];
  for (const make of makers) {
    const a = make(7);
    const b = make(7);
    const c = make(8);
    assert.deepEqual(a.x.arraySync(), b.x.arraySync());
    assert.deepEqual(a.y.arraySync(), b.y.arraySync());
    assert.notDeepEqual(a.x.arraySync(), c.x.arraySync());
    tf.dispose([a.x, a.y, b.x, b.y, c.x, c.y]);
  }
});

Deno.test("generators reject bad arguments with clear errors", () => {
  const before = tf.memory().numTensors;
  assert.throws(() => spirals({ samples: 0 }), {
    name: "RangeError",
    message: 'Cannot make spirals as "samples" must be a positive integer: received 0',
  });
  assert.throws(() => spirals({ samples: 2.5 }), RangeError);
  assert.throws(() => spirals({ classes: -1 }), RangeError);
  assert.throws(() => moons({ samples: "10" as unknown as number }), TypeError);
  assert.throws(
    () => moons({ noise: -0.1 }),
    /"noise" must be a finite number >= 0: received -0.1/,
  );
  assert.throws(() => blobs({ centers: [[0, 0], [1]] }), RangeError);
  assert.throws(() => blobs({ centers: [] }), RangeError);
  assert.throws(() => blobs({ clusterStd: Number.POSITIVE_INFINITY }), RangeError);
  assert.throws(() => regression({ features: 0 }), RangeError);
  assert.throws(() => regression({ seed: Number.NaN }), TypeError);
  assert.equal(tf.memory().numTensors, before);
});
