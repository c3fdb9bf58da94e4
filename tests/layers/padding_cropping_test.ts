import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { Input, Model } from "../../mod.ts";
import {
  Cropping1D,
  Cropping2D,
  Cropping3D,
  ZeroPadding1D,
  ZeroPadding2D,
  ZeroPadding3D,
} from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

Deno.test("ZeroPadding and Cropping layers pass the shared layer check", () => {
  const cases = [
    { make: () => new ZeroPadding1D([1, 2]), cls: ZeroPadding1D, i: [2, 3, 2], o: [2, 6, 2] },
    { make: () => new ZeroPadding2D(), cls: ZeroPadding2D, i: [2, 2, 3, 2], o: [2, 4, 5, 2] },
    {
      make: () => new ZeroPadding2D([[0, 2], [1, 0]], { dataFormat: "channels_first" }),
      cls: ZeroPadding2D,
      i: [1, 2, 3, 3],
      o: [1, 2, 5, 4],
    },
    {
      make: () => new ZeroPadding3D([1, 0, [0, 2]]),
      cls: ZeroPadding3D,
      i: [1, 2, 2, 2, 2],
      o: [1, 4, 2, 4, 2],
    },
    { make: () => new Cropping1D(), cls: Cropping1D, i: [2, 5, 2], o: [2, 3, 2] },
    {
      make: () => new Cropping2D([[1, 0], [0, 2]]),
      cls: Cropping2D,
      i: [2, 4, 5, 2],
      o: [2, 3, 3, 2],
    },
    {
      make: () => new Cropping2D(1, { dataFormat: "channels_first" }),
      cls: Cropping2D,
      i: [1, 2, 4, 3],
      o: [1, 2, 2, 1],
    },
    {
      make: () => new Cropping3D([[1, 0], 0, [1, 1]], { dataFormat: "channels_first" }),
      cls: Cropping3D,
      i: [1, 2, 3, 2, 4],
      o: [1, 2, 2, 2, 2],
    },
  ];
  for (const c of cases) {
    checkLayer({
      make: c.make,
      cls: c.cls,
      inputShape: c.i,
      outputShape: c.o,
      weights: 0,
      params: 0,
    });
  }
});

Deno.test("ZeroPadding2D and Cropping2D move values where a hand-written layout says", () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
  const padded = new ZeroPadding2D([[1, 0], [0, 1]]).apply(x);
  assert.deepEqual(padded.arraySync(), [[[[0], [0], [0]], [[1], [2], [0]], [[3], [4], [0]]]]);
  const back = new Cropping2D([[1, 0], [0, 1]]).apply(padded);
  assert.deepEqual(back.arraySync(), x.arraySync());
  // channels first: [batch, channels, rows, cols]
  const cf = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 1, 3]);
  const cropped = new Cropping2D([[0, 0], [1, 1]], { dataFormat: "channels_first" }).apply(cf);
  assert.deepEqual(cropped.arraySync(), [[[[2]], [[5]]]]);
  const seq = tf.tensor3d([[[1], [2], [3], [4], [5]]]);
  const c1 = new Cropping1D([2, 1]).apply(seq);
  assert.deepEqual(c1.arraySync(), [[[3], [4]]]);
  const pair = tf.tensor3d([[[7, 8]]]); // [batch, channels, steps]
  const p1 = new ZeroPadding1D(1, { dataFormat: "channels_first" }).apply(pair);
  assert.deepEqual(p1.arraySync(), [[[0, 7, 8, 0]]]);
  const vol = tf.ones([1, 1, 1, 1, 1]);
  const p3 = new ZeroPadding3D([[1, 0], [0, 1], 0]).apply(vol);
  // [1, 2, 2, 1, 1]: the one at depth 1 (one zero plane before), row 0 (one zero row after)
  assert.deepEqual(Array.from(p3.dataSync()), [0, 0, 1, 0]);
  tf.dispose([x, padded, back, cf, cropped, seq, c1, pair, p1, vol, p3]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Cropping2D's gradient puts dy back in place and zeros elsewhere; ZeroPadding2D's drops the border", () => {
  const x = tf.ones([1, 3, 3, 1]);
  const crop = new Cropping2D([[1, 1], [0, 1]]);
  const g = tf.grad((t: tf.Tensor) =>
    tf.sum(tf.mul(crop.apply(t), tf.tensor4d([5, 6], [1, 1, 2, 1])))
  )(x);
  assert.deepEqual(Array.from(g.dataSync()), [0, 0, 0, 5, 6, 0, 0, 0, 0]);
  const pad = new ZeroPadding2D(1);
  const w = tf.tidy(() => tf.reshape(tf.range(0, 25), [1, 5, 5, 1]));
  const gp = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pad.apply(t), w)))(x);
  assert.deepEqual(Array.from(gp.dataSync()), [6, 7, 8, 11, 12, 13, 16, 17, 18]);
  tf.dispose([x, g, w, gp]);
});

Deno.test("ZeroPadding and Cropping configs are Keras's normalised forms", () => {
  const strip = (c: Record<string, unknown>) => {
    const { name: _, trainable: __, ...rest } = c;
    return rest;
  };
  assert.deepEqual(strip(new ZeroPadding1D().getConfig()), {
    padding: [1, 1],
    dataFormat: "channels_last",
  });
  assert.deepEqual(strip(new ZeroPadding2D([2, 3]).getConfig()), {
    padding: [[2, 2], [3, 3]],
    dataFormat: "channels_last",
  });
  assert.deepEqual(strip(new ZeroPadding3D().getConfig()).padding, [[1, 1], [1, 1], [1, 1]]);
  assert.deepEqual(strip(new Cropping1D().getConfig()), { cropping: [1, 1] });
  assert.deepEqual(strip(new Cropping2D().getConfig()), {
    cropping: [[0, 0], [0, 0]],
    dataFormat: "channels_last",
  });
  assert.deepEqual(strip(new Cropping3D({ cropping: 2 }).getConfig()).cropping, [[2, 2], [2, 2], [
    2,
    2,
  ]]);
});

Deno.test("Cropping refuses cropping an axis away, naming the layer, the cropping and the shape", () => {
  const x = tf.zeros([1, 5, 8, 3]);
  assert.throws(
    () => new Cropping2D([[3, 2], [0, 0]]).apply(x),
    /Cannot apply cropping2d\S* \(Cropping2D\) as "cropping" \[\[3,2\],\[0,0\]\] removes 5 of the 5 positions of spatial axis 0 \(axis 1\): the input shape is \(None, 5, 8, 3\); each axis must keep at least one/,
  );
  const seq = tf.zeros([1, 8, 1]);
  assert.throws(() => new Cropping1D([4, 4]).apply(seq), /removes 8 of the 8 positions/);
  assert.throws(
    () =>
      new Cropping3D(2, { dataFormat: "channels_first" }).computeOutputShape([null, 3, 9, 4, 9]),
    /removes 4 of the 4 positions of spatial axis 1 \(axis 3\)/,
  );
  // An axis unknown at build time is checked when the data comes.
  const inputs = Input({ shape: [null, 6, 2] });
  const model = new Model({ inputs, outputs: new Cropping2D([[2, 2], [1, 1]]).apply(inputs) });
  const small = tf.zeros([1, 4, 6, 2]);
  assert.throws(() => model.predict(small), /removes 4 of the 4 positions of spatial axis 0/);
  const ok = model.predict(tf.zeros([1, 5, 6, 2]));
  assert.deepEqual(ok.shape, [1, 1, 4, 2]);
  tf.dispose([x, seq, small, ok]);
  model.dispose();
});

Deno.test("ZeroPadding and Cropping refuse negative, fractional and misshapen amounts", () => {
  assert.throws(
    () => new ZeroPadding2D([[1, -1], [0, 0]]),
    /Cannot build ZeroPadding2D as "padding" must be a non-negative integer, a list of 2 of them \(one per spatial axis\) or a list of 2 pairs \[before, after\]: received \[\[1,-1\],\[0,0\]\]/,
  );
  assert.throws(
    () => new ZeroPadding1D(-1),
    /Cannot build ZeroPadding1D as "padding" must be a non-negative integer or a pair \[before, after\] of them: received -1/,
  );
  assert.throws(() => new ZeroPadding3D([1, 1]), RangeError);
  assert.throws(() => new Cropping2D(1.5), /"cropping" must be a non-negative integer/);
  assert.throws(() => new Cropping3D("1" as unknown as number), TypeError);
  assert.throws(
    () => new Cropping1D({ dataFormat: "channels_first" } as never),
    /"dataFormat" is not an option/,
  );
  assert.throws(() => new ZeroPadding2D(1, { padding: 2 }), /"padding" is given twice/);
  const flat = tf.zeros([1, 2, 2, 2]);
  assert.throws(
    () => new ZeroPadding3D().apply(flat),
    /as its input must have rank 5 \(batch, dim1, dim2, dim3, channels\): received \(None, 2, 2, 2\)/,
  );
  flat.dispose();
});
