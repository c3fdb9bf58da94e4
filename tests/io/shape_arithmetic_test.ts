/**
 * The rebuild from a file infers the output of layers that declare
 * `exactOutputShape` (the convolutions, pooling, resampling, padding,
 * cropping, reshaping, Dense, the dropouts, normalisation, activation and
 * merge layers) by arithmetic instead of running them on zeros. These tests
 * prove it equivalent: every family is saved after being inferred by
 * running it (outside a load) and loaded three ways — arithmetic (the
 * default), probes only, and "compare" (both, failing on any disagreement)
 * — and every node's shape, dtype and mask rank must match the original's.
 */
import assert from "node:assert/strict";
import { Input, type Layer, layers, loadModel, Model, tf } from "../../mod.ts";
import { setLoadShapeInference, type SymbolicTensor } from "../../engine/symbolic.ts";
import { withWeightBudget } from "../../engine/_weight_budget.ts";
import { BaseConv } from "../../layers/base_conv.ts";
import { tempDir } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
const L = layers as any;

/** Every node output of every layer: `name shape dtype mask-rank`. */
function specs(model: Model): string[] {
  return model.layers.flatMap((l) =>
    l.inboundNodes.flatMap((n) =>
      n.outputs.map((o) => `${l.name} ${JSON.stringify(o.shape)} ${o.dtype} ${o.maskRank}`)
    )
  );
}

/** A chain of layers applied one after the other. */
function chain(x: SymbolicTensor, list: Layer[]): SymbolicTensor {
  return list.reduce((t, layer) => layer.apply(t) as SymbolicTensor, x);
}

/** [label, model]: each family with the options that change its shape arithmetic. */
const FAMILIES: [string, () => Model][] = [
  ["2-D convolutions, pooling, resampling (unknown spatial axes)", () => {
    const x = Input({ shape: [null, null, 3] });
    const y = chain(x, [
      new L.Conv2D(4, 3, { strides: 2, padding: "same" }),
      new L.Conv2D(4, [3, 2], { dilationRate: 2 }),
      new L.DepthwiseConv2D(3, { depthMultiplier: 2, padding: "same" }),
      new L.SeparableConv2D(3, 2, { strides: 2 }),
      new L.Conv2DTranspose(3, 3, { strides: 3, outputPadding: 1 }),
      new L.Conv2DTranspose(2, 2, { strides: 2, padding: "same" }),
      new L.MaxPooling2D({ poolSize: 3, strides: 2 }),
      new L.AveragePooling2D({ poolSize: 2, padding: "same" }),
      new L.UpSampling2D({ size: [2, 3] }),
      new L.UpSampling2D({ size: 2, interpolation: "bilinear" }),
      new L.ZeroPadding2D({ padding: [[1, 2], [0, 3]] }),
      new L.Cropping2D({ cropping: [[1, 0], [2, 1]] }),
      new L.SpatialDropout2D(0.2),
      new L.BatchNormalization(),
      new L.LayerNormalization(),
      new L.Activation("softmax"),
      new L.GlobalAveragePooling2D({ keepdims: true }),
      new L.Dense(5),
    ]);
    return new Model({ inputs: x, outputs: y });
  }],
  ["2-D layers in channels_first", () => {
    const x = Input({ shape: [2, 9, 8] });
    const y = chain(x, [
      new L.Conv2D(3, 3, { dataFormat: "channels_first", padding: "same", strides: [2, 1] }),
      new L.MaxPooling2D({ dataFormat: "channels_first" }),
      new L.UpSampling2D({ size: 2, dataFormat: "channels_first" }),
      new L.ZeroPadding2D({ padding: 1, dataFormat: "channels_first" }),
      new L.Cropping2D({ cropping: [[0, 1], [2, 0]], dataFormat: "channels_first" }),
      new L.BatchNormalization({ axis: 1 }),
      new L.GlobalMaxPooling2D({ dataFormat: "channels_first" }),
      new L.Reshape([3, 1]),
      new L.Flatten(),
    ]);
    return new Model({ inputs: x, outputs: y });
  }],
  ["1-D layers after a masking Embedding, an unknown time axis", () => {
    const x = Input({ shape: [null], dtype: "int32" });
    const y = chain(x, [
      new L.Embedding(10, 4, { maskZero: true }),
      new L.Dropout(0.3),
      new L.Dense(6, { activation: "relu" }),
      new L.BatchNormalization(),
      new L.LayerNormalization(),
      new L.Activation("tanh"),
      new L.GaussianDropout(0.2),
      new L.GaussianNoise(0.1),
      new L.SpatialDropout1D(0.1),
      new L.Conv1D(4, 3, { padding: "causal", dilationRate: 2 }),
      new L.Conv1D(4, 2, { strides: 2 }),
      new L.Conv1DTranspose(3, 3, { strides: 2 }),
      new L.DepthwiseConv1D(2, { depthMultiplier: 2 }),
      new L.SeparableConv1D(3, 2, { padding: "same" }),
      new L.MaxPooling1D({ poolSize: 2 }),
      new L.AveragePooling1D({ poolSize: 3, strides: 1, padding: "same" }),
      new L.UpSampling1D({ size: 3 }),
      new L.ZeroPadding1D({ padding: [2, 1] }),
      new L.Cropping1D({ cropping: [1, 2] }),
      new L.GlobalMaxPooling1D({ keepdims: true }),
      new L.Reshape([-1]),
    ]);
    return new Model({ inputs: x, outputs: y });
  }],
  ["masks through Dense, Flatten and a Reshape", () => {
    const x = Input({ shape: [5], dtype: "int32" });
    const e = new L.Embedding(10, 4, { maskZero: true }).apply(x) as SymbolicTensor;
    const y = chain(e, [new L.Dense(3), new L.Reshape([5, 3, 1]), new L.Flatten()]);
    return new Model({ inputs: x, outputs: y });
  }],
  ["3-D layers", () => {
    const x = Input({ shape: [4, 5, 3, 2] });
    const y = chain(x, [
      new L.Conv3D(3, 2, { padding: "same", strides: [1, 2, 1] }),
      new L.Conv3DTranspose(2, [2, 1, 2], { strides: 2 }),
      new L.MaxPooling3D({ poolSize: 2 }),
      new L.AveragePooling3D({ poolSize: [1, 2, 1] }),
      new L.UpSampling3D({ size: [1, 2, 3] }),
      new L.ZeroPadding3D({ padding: [[1, 0], [0, 1], [2, 2]] }),
      new L.Cropping3D({ cropping: [[0, 1], [1, 0], [1, 1]] }),
      new L.SpatialDropout3D(0.1),
      new L.GlobalAveragePooling3D(),
    ]);
    return new Model({ inputs: x, outputs: y });
  }],
  ["merge layers, with and without masks, broadcasting", () => {
    const a = Input({ shape: [6, 4] });
    const b = Input({ shape: [1, 4] });
    const t = Input({ shape: [6], dtype: "int32" });
    const m = new L.Embedding(10, 4, { maskZero: true }).apply(t) as SymbolicTensor;
    const merged = [
      new L.Add().apply([a, b]),
      new L.Subtract().apply([a, b]),
      new L.Multiply().apply([a, b, a]),
      new L.Average().apply([a, a]),
      new L.Maximum().apply([a, b]),
      new L.Minimum().apply([a, a]),
      new L.Concatenate().apply([a, a]),
      new L.Concatenate({ axis: 1 }).apply([a, b]),
      new L.Add().apply([a, m]),
      new L.Concatenate({ axis: 1 }).apply([m, a]),
    ] as SymbolicTensor[];
    return new Model({ inputs: [a, b, t], outputs: merged });
  }],
];

for (const [label, make] of FAMILIES) {
  Deno.test(`shape arithmetic on load: ${label} — the same nodes as running the layers`, async () => {
    const { dir, cleanup } = await tempDir();
    const model = make();
    const want = specs(model);
    try {
      await model.save(`${dir}/m.keras`);
      for (const mode of ["arithmetic", "probe", "compare"] as const) {
        const previous = setLoadShapeInference(mode);
        try {
          const again = await loadModel(`${dir}/m.keras`);
          assert.deepEqual(specs(again), want, mode);
          again.dispose();
        } finally {
          setLoadShapeInference(previous);
        }
      }
    } finally {
      model.dispose();
      await cleanup();
    }
  });
}

Deno.test("shape arithmetic on load: the TensorFlow.js format takes it too", async () => {
  const { dir, cleanup } = await tempDir();
  const model = FAMILIES[1][1](); // channels_first 2-D layers: all exist in TensorFlow.js Layers
  try {
    await model.save(`${dir}/m`);
    const previous = setLoadShapeInference("compare");
    try {
      const again = await loadModel(`${dir}/m`);
      assert.deepEqual(specs(again), specs(model));
      again.dispose();
    } finally {
      setLoadShapeInference(previous);
    }
  } finally {
    model.dispose();
    await cleanup();
  }
});

/** Counts the calls of BaseConv's `call` (the convolutions') while `f` runs. */
async function convCalls(f: () => Promise<void>): Promise<number> {
  const proto = BaseConv.prototype as unknown as { call: (...a: unknown[]) => unknown };
  const original = proto.call;
  let calls = 0;
  proto.call = function (this: unknown, ...a: unknown[]) {
    calls++;
    return original.apply(this, a);
  };
  try {
    await f();
  } finally {
    proto.call = original;
  }
  return calls;
}

Deno.test("shape arithmetic on load: a convolution is not run while its model is rebuilt", async () => {
  const { dir, cleanup } = await tempDir();
  const model = FAMILIES[0][1]();
  try {
    await model.save(`${dir}/m.keras`);
    const load = async () => (await loadModel(`${dir}/m.keras`)).dispose();
    assert.equal(await convCalls(load), 0);
    const previous = setLoadShapeInference("probe");
    try {
      // Two Conv2D layers, each run at two sizes of the unknown axes.
      assert.equal(await convCalls(load), 4);
    } finally {
      setLoadShapeInference(previous);
    }
  } finally {
    model.dispose();
    await cleanup();
  }
});

Deno.test("shape arithmetic on load: 'compare' catches arithmetic that disagrees with running", () => {
  const proto = BaseConv.prototype as unknown as { computeOutputShape: (s: unknown) => unknown };
  const original = proto.computeOutputShape;
  proto.computeOutputShape = function (this: unknown, s: unknown) {
    const out = original.call(this, s) as number[];
    return [...out.slice(0, -1), out[out.length - 1] + 1];
  };
  const previous = setLoadShapeInference("compare");
  try {
    const x = Input({ shape: [6, 6, 1] });
    assert.throws(
      () => withWeightBudget([], "f.keras", () => new L.Conv2D(2, 3).apply(x)),
      /Shape arithmetic of conv2d\w* \(Conv2D\) disagrees with running it/,
    );
  } finally {
    setLoadShapeInference(previous);
    proto.computeOutputShape = original;
  }
});

Deno.test("shape arithmetic on load: a subclass that overrides call is run, not computed", () => {
  class Doubled extends layers.Dense {
    override call(x: tf.Tensor, o: Parameters<layers.Dense["call"]>[1]): tf.Tensor {
      const y = super.call(x, o);
      return tf.concat([y, y], -1);
    }
  }
  const x = Input({ shape: [3] });
  const y = withWeightBudget([], "f.keras", () => new Doubled(2).apply(x)) as SymbolicTensor;
  // Dense's arithmetic would say [null, 2]; the subclass returns twice that.
  assert.deepEqual(y.shape, [null, 4]);
});

Deno.test("shape arithmetic on load: masks — passed through, dropped, or left to a run", () => {
  const t = Input({ shape: [5], dtype: "int32" });
  const tensors = tf.memory().numTensors;
  withWeightBudget([], "f.keras", () => {
    const e = new L.Embedding(10, 4, { maskZero: true }).apply(t) as SymbolicTensor;
    assert.equal(e.maskRank, 2);
    // Dropout supports masks: passed through; Conv1D does not: dropped.
    assert.equal((new L.Dropout(0.5).apply(e) as SymbolicTensor).maskRank, 2);
    assert.equal((new L.Conv1D(2, 2).apply(e) as SymbolicTensor).maskRank, 0);
    // Global pooling consumes the mask; Add of two masked inputs keeps one (both by running).
    assert.equal((new L.GlobalAveragePooling1D().apply(e) as SymbolicTensor).maskRank, 0);
    assert.equal((new L.Add().apply([e, e]) as SymbolicTensor).maskRank, 2);
  });
  // Only weights remain: the Embedding's table, the Conv1D's kernel and bias.
  assert.equal(tf.memory().numTensors, tensors + 3);
});

Deno.test("shape arithmetic on load: a layer built from build_config on other shapes", () => {
  const previous = setLoadShapeInference("compare");
  try {
    withWeightBudget([], "f.keras", () => {
      // Built for 8×8×4 (a saved build_config), called on 16×16×4: the weights fit.
      const conv = new L.Conv2D(2, 3);
      conv.build([null, 8, 8, 4]);
      conv.built = true;
      conv.buildInputShape = [null, 8, 8, 4];
      const y = conv.apply(Input({ shape: [16, 16, 4] })) as SymbolicTensor;
      assert.deepEqual(y.shape, [null, 14, 14, 2]);
      // Called on 3 channels: its kernel is for 4, so running it decides, and refuses.
      const other = new L.Conv2D(2, 3);
      other.build([null, 8, 8, 4]);
      other.built = true;
      other.buildInputShape = [null, 8, 8, 4];
      assert.throws(() => other.apply(Input({ shape: [8, 8, 3] })), /Cannot apply conv2d/);
      conv.dispose();
      other.dispose();
    });
  } finally {
    setLoadShapeInference(previous);
  }
});
