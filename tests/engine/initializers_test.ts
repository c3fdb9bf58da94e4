import assert from "node:assert/strict";
import { initializers, layers, tf } from "../../mod.ts";

const values = (init: initializers.Initializer, shape: number[]) => {
  const t = init.apply(shape);
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
};

Deno.test("initializers.serialize gives Keras's { className, config }", () => {
  assert.deepEqual(initializers.serialize("glorot_uniform"), {
    className: "GlorotUniform",
    config: { seed: null },
  });
  assert.deepEqual(initializers.serialize("zeros"), { className: "Zeros", config: {} });
  assert.deepEqual(initializers.serialize(new initializers.Constant(2)), {
    className: "Constant",
    config: { value: 2 },
  });
  assert.deepEqual(
    initializers.serialize(
      new initializers.VarianceScaling({
        scale: 2,
        mode: "fan_out",
        distribution: "uniform",
        seed: 5,
      }),
    ),
    {
      className: "VarianceScaling",
      config: { scale: 2, mode: "fan_out", distribution: "uniform", seed: 5 },
    },
  );
  assert.deepEqual(
    initializers.serialize(
      new initializers.RandomInitializer("RandomNormal", { mean: 1, stddev: 0.5, seed: 3 }),
    ),
    { className: "RandomNormal", config: { mean: 1, stddev: 0.5, seed: 3 } },
  );
});

Deno.test("initializers.deserialize round-trips every class through JSON, seeded draws equal", () => {
  const cases: initializers.Initializer[] = [
    initializers.deserialize({ className: "GlorotUniform", config: { seed: 11 } }),
    initializers.deserialize({ className: "HeNormal", config: { seed: 12 } }),
    initializers.deserialize({ className: "LecunUniform", config: { seed: 13 } }),
    new initializers.RandomInitializer("RandomNormal", { mean: 1, stddev: 0.5, seed: 3 }),
    new initializers.RandomInitializer("TruncatedNormal", { stddev: 0.2, seed: 4 }),
    new initializers.RandomInitializer("RandomUniform", { minval: -1, maxval: 2, seed: 5 }),
    new initializers.VarianceScaling({ scale: 3, mode: "fan_avg", seed: 6 }),
    new initializers.Constant(0.25),
    initializers.getInitializer("ones"),
    initializers.getInitializer("zeros"),
  ];
  for (const init of cases) {
    const json = JSON.parse(JSON.stringify(initializers.serialize(init)));
    const again = initializers.deserialize(json);
    assert.equal(again.className, init.className);
    assert.deepEqual(again.getConfig(), init.getConfig(), init.className);
    assert.deepEqual(values(again, [3, 4]), values(init, [3, 4]), init.className);
    // the instance's own JSON form is the same
    assert.deepEqual(JSON.parse(JSON.stringify(init)), json);
  }
});

Deno.test("initializers.getInitializer takes { className, config } and { class_name, config }", () => {
  assert.deepEqual(
    values(initializers.getInitializer({ className: "Constant", config: { value: 3 } }), [2]),
    [3, 3],
  );
  assert.deepEqual(
    values(initializers.getInitializer({ class_name: "Ones", config: {} }), [2, 1]),
    [1, 1],
  );
  const snake = initializers.getInitializer({ className: "random_uniform", config: { seed: 1 } });
  assert.equal(snake.className, "RandomUniform");
  // GlorotUniform on [2, 3]: limit sqrt(3 / ((2 + 3) / 2)) = sqrt(1.2)
  const glorot = initializers.getInitializer({
    class_name: "GlorotUniform",
    config: { seed: null },
  });
  assert.ok(values(glorot, [2, 3]).every((v) => Math.abs(v) <= Math.sqrt(1.2)));
  // Keras 2's VarianceScaling "normal" is the truncated normal
  const vs = initializers.deserialize({
    className: "VarianceScaling",
    config: { distribution: "normal" },
  }) as initializers.VarianceScaling;
  assert.equal(vs.distribution, "truncated_normal");
  assert.equal(initializers.deserialize("he_uniform").className, "HeUniform");
});

Deno.test("initializers.deserialize names an unknown class or option", () => {
  assert.throws(
    () => initializers.deserialize({ className: "Identity" }),
    /initializer "Identity" as it is unknown/,
  );
  assert.throws(
    () => initializers.deserialize({ className: "GlorotUniform", config: { scale: 2 } }),
    /"scale" is not an option of GlorotUniform: expected "seed"/,
  );
  assert.throws(
    () => initializers.deserialize({ className: "VarianceScaling", config: { mode: "fan" } }),
    RangeError,
  );
  assert.throws(
    () => initializers.deserialize({ className: "Constant", config: { value: "1" } }),
    TypeError,
  );
  assert.throws(() => initializers.deserialize({ config: {} } as never), TypeError);
  assert.throws(() => initializers.getInitializer(42 as never), TypeError);
});

Deno.test("an initializer in Keras's dict form builds a layer, and its config survives JSON", () => {
  const dense = new layers.Dense(2, {
    kernelInitializer: { className: "Constant", config: { value: 0.5 } },
    biasInitializer: new initializers.Constant(1),
  });
  const x = tf.tensor2d([[1, 2]]);
  const y = dense.apply(x) as tf.Tensor;
  // 0.5 * (1 + 2) + 1 = 2.5 for each unit
  assert.deepEqual(Array.from(y.dataSync()), [2.5, 2.5]);
  const copy = layers.Dense.fromConfig(JSON.parse(JSON.stringify(dense.getConfig())));
  const y2 = copy.apply(x) as tf.Tensor;
  assert.deepEqual(Array.from(y2.dataSync()), [2.5, 2.5]);
  tf.dispose([x, y, y2]);
  dense.dispose();
  copy.dispose();
});
