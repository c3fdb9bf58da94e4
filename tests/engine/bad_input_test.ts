import assert from "node:assert/strict";
import { layers, Sequential, tf } from "../../mod.ts";

function model(): Sequential {
  return new Sequential([new layers.Dense(3, { activation: "softmax", inputShape: [2] })]);
}

function weightsOf(m: Sequential): number[][] {
  return m.weights.map((w) => Array.from(w.dataSync()));
}

Deno.test("fit before compile throws a TypeError saying to compile", async () => {
  const m = model();
  await assert.rejects(
    () => m.fit([[1, 2]], [0]),
    (e: Error) => e instanceof TypeError && /compile/.test(e.message),
  );
  m.dispose();
});

Deno.test("fit rejects bad data and options, naming the argument and value, weights untouched", async () => {
  const m = model();
  m.compile({ optimizer: "sgd", loss: "sparse_categorical_crossentropy" });
  const before = weightsOf(m);
  const x = [[1, 2], [3, 4], [5, 6], [7, 8]];
  const cases: [() => Promise<unknown>, RegExp][] = [
    [() => m.fit(x, [0, 1, 2]), /different numbers of samples: 4 and 3/],
    [() => m.fit([[1, 2, 3]], [0]), /dense.*expected \(None, 2\), received \(None, 3\)/],
    [() => m.fit(x, [0, 1, 2, 3]), /label 3|3.*classes|\[0, 3\)/],
    [() => m.fit(x, [0, 1, 2, 1], { validationSplit: 1 }), /validationSplit.*\[0, 1\).*1/],
    [() => m.fit(x, [0, 1, 2, 1], { validationSplit: 0.9 }), /leaves no training samples/],
    [
      () => m.fit(x, [0, 1, 2, 1], { batchSize: 0 }),
      /"batchSize" must be a positive integer: received 0/,
    ],
    [
      () => m.fit(x, [0, 1, 2, 1], { epochs: 1.5 }),
      /"epochs" must be a positive integer: received 1.5/,
    ],
    [() => m.fit([[1, 2], [NaN, 4]], [0, 1]), /NaN at index \[1, 0\]/],
    [() => m.fit(x, [0, 1, Infinity, 1]), /Infinity at index \[2\]/],
  ];
  for (const [call, pattern] of cases) {
    await assert.rejects(call, (e: Error) => {
      assert.ok(e instanceof TypeError || e instanceof RangeError, `${e}`);
      assert.match(e.message, pattern);
      return true;
    });
  }
  assert.deepEqual(weightsOf(m), before);
  m.dispose();
});

Deno.test("compile rejects unknown names and lists the valid ones", () => {
  const m = model();
  assert.throws(
    () => m.compile({ optimizer: "adamm", loss: "mse" }),
    /(?=[\s\S]*"adamm")(?=[\s\S]*rmsprop)/,
  );
  assert.throws(
    () => m.compile({ optimizer: "adam", loss: "msee" }),
    /(?=[\s\S]*msee)(?=[\s\S]*mean_squared_error)/,
  );
  assert.throws(
    () => m.compile({ optimizer: "adam", loss: "mse", metrics: ["acuracy"] }),
    /(?=[\s\S]*acuracy)(?=[\s\S]*binary_accuracy)/,
  );
  assert.throws(() => new layers.Dense(2, { activation: "rellu" }), /rellu[\s\S]*relu/);
  assert.throws(
    () => new layers.Dense(2, { kernelInitializer: "glorot" }).apply(tf.ones([1, 2])),
    /glorot[\s\S]*glorot_uniform/,
  );
  m.dispose();
});

Deno.test("Dense rejects non-positive units", () => {
  assert.throws(
    () => new layers.Dense(0),
    /Cannot build Dense as "units" must be a positive integer: received 0/,
  );
});
