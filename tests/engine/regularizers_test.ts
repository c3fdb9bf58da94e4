import assert from "node:assert/strict";
import { layers, loadModel, regularizers, Sequential, tf } from "../../mod.ts";
import { assertClose } from "../losses/_helpers.ts";

// w = [[1, -2], [3, 0]]: sum |w| = 6, sum w^2 = 14
const W = [[1, -2], [3, 0]];

function penalty(r: regularizers.L1L2): number {
  const w = tf.tensor2d(W);
  const p = r.apply(w);
  const value = p.dataSync()[0];
  tf.dispose([w, p]);
  return value;
}

Deno.test("regularizers.l1, l2, l1L2 build Keras's penalties with Keras's defaults", () => {
  assert.deepEqual(regularizers.l2(1e-6).getConfig(), { l1: 0, l2: 1e-6 });
  assert.deepEqual(regularizers.l1(1e-5).getConfig(), { l1: 1e-5, l2: 0 });
  assert.deepEqual(regularizers.l1().getConfig(), { l1: 0.01, l2: 0 }); // Keras 3's L1(l1=0.01)
  assert.deepEqual(regularizers.l2().getConfig(), { l1: 0, l2: 0.01 }); // L2(l2=0.01)
  assert.deepEqual(regularizers.l1L2().getConfig(), { l1: 0, l2: 0 }); // L1L2(l1=0.0, l2=0.0)
  assert.deepEqual(regularizers.l1L2({ l1: 0.1, l2: 0.01 }).getConfig(), { l1: 0.1, l2: 0.01 });
  assert.deepEqual(regularizers.l1L2(0.1, 0.01).getConfig(), { l1: 0.1, l2: 0.01 });
  assertClose(penalty(regularizers.l1(0.1)), 0.6);
  assertClose(penalty(regularizers.l2(0.01)), 0.14);
  assertClose(penalty(regularizers.l1L2({ l1: 0.1, l2: 0.01 })), 0.74);
});

Deno.test("regularizers factories reject bad coefficients and unknown options", () => {
  assert.throws(() => regularizers.l2(-1), RangeError);
  assert.throws(() => regularizers.l1(Number.NaN), TypeError);
  assert.throws(() => regularizers.l2("0.01" as never), TypeError);
  assert.throws(
    () => regularizers.l1L2({ l1: 0.1, l3: 0.2 } as never),
    /"l3" is not an option: expected "l1" or "l2"/,
  );
  assert.throws(() => regularizers.deserialize({ className: "L3" }), TypeError);
  assert.throws(
    () => regularizers.deserialize({ className: "L2", config: { l1: 0.1 } }),
    /"l1" is not an option of L2/,
  );
});

Deno.test("regularizers.serialize and deserialize use Keras's { className, config }", () => {
  const r = regularizers.l1L2({ l1: 0.25, l2: 0.5 });
  const s = regularizers.serialize(r);
  assert.deepEqual(s, { className: "L1L2", config: { l1: 0.25, l2: 0.5 } });
  assert.deepEqual(JSON.parse(JSON.stringify(r)), s); // toJSON
  assert.deepEqual(regularizers.deserialize(s).getConfig(), { l1: 0.25, l2: 0.5 });
  assert.deepEqual(
    regularizers.deserialize({ class_name: "L2", config: { l2: 1e-6 } }).getConfig(),
    { l1: 0, l2: 1e-6 },
  );
  assert.deepEqual(regularizers.deserialize({ className: "L1" }).getConfig(), { l1: 0.01, l2: 0 });
  assert.deepEqual(
    regularizers.getRegularizer({ className: "L2", config: { l2: 0.3 } }).getConfig(),
    { l1: 0, l2: 0.3 },
  );
});

Deno.test("regularizers.l2 in a layer: penalty, getConfig JSON round trip, save and load", async () => {
  // kernel of ones [2, 3]: sum w^2 = 6, so l2(0.5) gives 3; bias zeros with l1(0.1) gives 0
  const dense = new layers.Dense(3, {
    kernelInitializer: "ones",
    kernelRegularizer: regularizers.l2(0.5),
    biasRegularizer: regularizers.l1(0.1),
  });
  const x = tf.ones([1, 2]);
  dense.apply(x).dispose();
  const values = (l: layers.Dense) => {
    const ps = l.losses;
    const out = ps.map((p) => p.dataSync()[0]);
    tf.dispose(ps);
    return out;
  };
  assert.deepEqual(values(dense), [3, 0]);
  const json = JSON.parse(JSON.stringify(dense.getConfig()));
  assert.deepEqual(json.kernelRegularizer, { className: "L1L2", config: { l1: 0, l2: 0.5 } });
  const copy = layers.Dense.fromConfig(json) as layers.Dense;
  copy.apply(x).dispose();
  const weights = dense.getWeights();
  copy.setWeights(weights);
  tf.dispose(weights);
  assert.deepEqual(values(copy), [3, 0]);
  dense.dispose();
  copy.dispose();
  x.dispose();

  const dir = await Deno.makeTempDir({ prefix: "kerno-reg-" });
  try {
    const model = new Sequential([
      new layers.Dense(2, { inputShape: [2], kernelRegularizer: regularizers.l2(1e-6) }),
    ]);
    for (const path of [`${dir}/m`, `${dir}/m.keras`]) {
      await model.save(path);
      const loaded = await loadModel(path);
      const reg = loaded.layers[0].getConfig().kernelRegularizer;
      assert.deepEqual(regularizers.getRegularizer(reg as regularizers.L1L2).getConfig(), {
        l1: 0,
        l2: 1e-6,
      }, path);
      loaded.dispose();
    }
    model.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
