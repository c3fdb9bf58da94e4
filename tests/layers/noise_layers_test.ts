import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { setSeed } from "../../engine/random.ts";
import {
  AlphaDropout,
  GaussianDropout,
  GaussianNoise,
  SpatialDropout1D,
  SpatialDropout2D,
  SpatialDropout3D,
} from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

function stats(t: tf.Tensor): { mean: number; variance: number } {
  const v = t.dataSync();
  let s = 0;
  for (const a of v) s += a;
  const mean = s / v.length;
  let q = 0;
  for (const a of v) q += (a - mean) ** 2;
  return { mean, variance: q / v.length };
}

Deno.test("the noise layers pass the shared layer check (inference mode)", () => {
  const none = { weights: 0, params: 0 };
  checkLayer({
    make: () => new GaussianNoise(0.3),
    cls: GaussianNoise,
    inputShape: [3, 4],
    outputShape: [3, 4],
    ...none,
  });
  checkLayer({
    make: () => new GaussianDropout(0.3, { seed: 2 }),
    cls: GaussianDropout,
    inputShape: [3, 4],
    outputShape: [3, 4],
    ...none,
  });
  checkLayer({
    make: () => new AlphaDropout(0.3, { noiseShape: [null, 1], seed: 2 }),
    cls: AlphaDropout,
    inputShape: [3, 4],
    outputShape: [3, 4],
    ...none,
  });
  checkLayer({
    make: () => new SpatialDropout1D(0.3),
    cls: SpatialDropout1D,
    inputShape: [2, 3, 4],
    outputShape: [2, 3, 4],
    ...none,
  });
  checkLayer({
    make: () => new SpatialDropout2D(0.3, { dataFormat: "channels_first" }),
    cls: SpatialDropout2D,
    inputShape: [2, 3, 2, 2],
    outputShape: [2, 3, 2, 2],
    ...none,
  });
  checkLayer({
    make: () => new SpatialDropout3D(0.3, { seed: 1 }),
    cls: SpatialDropout3D,
    inputShape: [1, 2, 2, 2, 3],
    outputShape: [1, 2, 2, 2, 3],
    ...none,
  });
});

Deno.test("the noise layers are the identity outside training", () => {
  const before = tf.memory().numTensors;
  const x = tf.randomNormal([4, 3, 2, 2, 5], 0, 1, "float32", 1);
  const made = [
    new GaussianNoise(0.5),
    new GaussianDropout(0.5),
    new AlphaDropout(0.5),
    new SpatialDropout3D(0.5),
  ];
  for (const layer of made) {
    for (const options of [{}, { training: false }]) {
      const y = layer.apply(x, options);
      assert.deepEqual(Array.from(y.dataSync()), Array.from(x.dataSync()), layer.name);
      y.dispose();
    }
  }
  const x3 = tf.ones([2, 3, 4]);
  for (const layer of [new SpatialDropout1D(0.5)]) {
    const y = layer.apply(x3);
    assert.deepEqual(y.arraySync(), x3.arraySync());
    y.dispose();
  }
  tf.dispose([x, x3]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("GaussianNoise adds N(0, stddev²) noise in training", () => {
  const x = tf.fill([200, 100], 3);
  const y = new GaussianNoise(0.5, { seed: 3 }).apply(x, { training: true });
  const { mean, variance } = stats(y);
  assert.ok(Math.abs(mean - 3) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(variance - 0.25) < 0.01, `variance ${variance}`);
  tf.dispose([x, y]);
});

Deno.test("GaussianDropout multiplies by N(1, rate/(1-rate)) noise in training", () => {
  const x = tf.fill([200, 100], 2);
  const y = new GaussianDropout(0.2, { seed: 3 }).apply(x, { training: true });
  const { mean, variance } = stats(y);
  assert.ok(Math.abs(mean - 2) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(variance - 4 * 0.25) < 0.04, `variance ${variance}`); // 2²·0.2/0.8
  tf.dispose([x, y]);
});

Deno.test("AlphaDropout keeps mean 0 and variance 1 and drops to the saturation value", () => {
  const x = tf.randomNormal([400, 250], 0, 1, "float32", 11);
  const rate = 0.2;
  const y = new AlphaDropout(rate, { seed: 5 }).apply(x, { training: true });
  const { mean, variance } = stats(y);
  assert.ok(Math.abs(mean) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.03, `variance ${variance}`);
  // dropped elements all take a·α' + b
  const alphaP = -1.6732632423543772 * 1.0507009873554805;
  const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
  const dropped = a * alphaP - a * alphaP * rate;
  const values = y.dataSync();
  let n = 0;
  for (const v of values) if (Math.abs(v - dropped) < 1e-5) n++;
  assert.ok(Math.abs(n / values.length - rate) < 0.01, `dropped fraction ${n / values.length}`);
  tf.dispose([x, y]);
});

Deno.test("SpatialDropout1D/2D/3D drop whole channels and scale the rest by 1/(1-rate)", () => {
  const cases: [tf.Tensor, () => SpatialDropout1D | SpatialDropout2D | SpatialDropout3D, number][] =
    [
      [tf.ones([16, 5, 32]), () => new SpatialDropout1D(0.25, { seed: 1 }), 2],
      [tf.ones([8, 3, 3, 32]), () => new SpatialDropout2D(0.25, { seed: 1 }), 3],
      [tf.ones([8, 2, 2, 2, 32]), () => new SpatialDropout3D(0.25, { seed: 1 }), 4],
    ];
  for (const [x, make, channelAxis] of cases) {
    const y = make().apply(x, { training: true });
    // channels last: per sample and channel, every spatial position is dropped or kept together
    const rows = tf.tidy(() => {
      const perm = [0, channelAxis, ...Array.from({ length: channelAxis - 1 }, (_, i) => i + 1)];
      return tf.reshape(tf.transpose(y, perm), [x.shape[0] * 32, -1]);
    });
    const data = rows.arraySync() as number[][];
    let dropped = 0;
    for (const row of data) {
      assert.ok(row.every((v) => v === row[0]), "a channel is dropped or kept whole");
      assert.ok(row[0] === 0 || Math.abs(row[0] - 4 / 3) < 1e-6, `value ${row[0]}`);
      if (row[0] === 0) dropped++;
    }
    const fraction = dropped / data.length;
    assert.ok(fraction > 0.15 && fraction < 0.35, `dropped fraction ${fraction}`);
    tf.dispose([x, y, rows]);
  }
  // channels first: axis 1 holds the channels
  const x = tf.ones([4, 8, 3, 3]);
  const y = new SpatialDropout2D(0.5, { dataFormat: "channels_first", seed: 4 }).apply(x, {
    training: true,
  });
  for (const sample of y.arraySync() as number[][][][]) {
    for (const map of sample) {
      const flat = map.flat();
      assert.ok(flat.every((v) => v === flat[0]) && (flat[0] === 0 || flat[0] === 2));
    }
  }
  tf.dispose([x, y]);
});

Deno.test("the noise layers draw from their seedGenerator: a seed fixes the sequence", () => {
  const x = tf.ones([6, 4, 8]);
  for (
    const make of [
      () => new GaussianNoise(0.5, { seed: 9 }),
      () => new GaussianDropout(0.5, { seed: 9 }),
      () => new AlphaDropout(0.5, { seed: 9 }),
      () => new SpatialDropout1D(0.5, { seed: 9 }),
    ]
  ) {
    const a = make(), b = make();
    const a1 = a.apply(x, { training: true }), b1 = b.apply(x, { training: true });
    const a2 = a.apply(x, { training: true });
    assert.deepEqual(a1.arraySync(), b1.arraySync(), a.constructor.name);
    assert.notDeepEqual(a1.arraySync(), a2.arraySync(), a.constructor.name);
    tf.dispose([a1, b1, a2]);
  }
  setSeed(7);
  const s1 = new GaussianNoise(0.5).apply(x, { training: true });
  setSeed(7);
  const s2 = new GaussianNoise(0.5).apply(x, { training: true });
  assert.deepEqual(s1.arraySync(), s2.arraySync());
  tf.dispose([x, s1, s2]);
});

Deno.test("the noise layers reject bad arguments in the project's format", () => {
  assert.throws(
    () => new GaussianNoise(2),
    /Cannot build GaussianNoise as "stddev" must be a number in \[0, 1\]: received 2/,
  );
  assert.throws(() => new GaussianNoise("0.1" as unknown as number), TypeError);
  assert.throws(() => new GaussianNoise(0.1, { seed: "x" as unknown as number }), TypeError);
  assert.throws(() => new GaussianDropout(1), /"rate" must be a number in \[0, 1\): received 1/);
  assert.throws(() => new AlphaDropout(-0.1), RangeError);
  assert.throws(() => new AlphaDropout(0.1, { noiseShape: [0] }), TypeError);
  assert.throws(
    () => new SpatialDropout1D(0.1, { dataFormat: "channels_first" } as unknown as object),
    /"dataFormat" is not an option/,
  );
  assert.throws(
    () => new SpatialDropout2D(0.1, { dataFormat: "nhwc" as "channels_last" }),
    RangeError,
  );
  assert.throws(
    () => new SpatialDropout3D(0.1, { sed: 1 } as unknown as object),
    /did you mean "seed"/,
  );
  const x = tf.ones([2, 3, 4]);
  assert.throws(() => new SpatialDropout2D(0.1).apply(x), /must have rank 4/);
  assert.throws(
    () => new AlphaDropout(0.1, { noiseShape: [1] }).apply(x, { training: true }),
    RangeError,
  );
  x.dispose();
});
