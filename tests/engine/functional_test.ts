/**
 * The functional API (`Input`, `layer.apply` on symbolic tensors, `new
 * Model({ inputs, outputs })`) against Keras 3's documented behaviour:
 * inferred shapes, graphs of several inputs and outputs, shared layers,
 * nested models, masks, errors, and no tensor left behind. Expected values
 * are computed by hand.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  Input,
  InputLayer,
  Layer,
  layers,
  maskOf,
  Model,
  optimizers,
  Sequential,
  setSeed,
  SymbolicTensor,
  tf,
} from "../../mod.ts";

/** Values of a tensor, rounded to 5 decimals, as nested arrays. */
function values(t: tf.Tensor): unknown {
  const round = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(round) : Math.round((v as number) * 1e5) / 1e5;
  return round(t.arraySync());
}

/** Sets a Dense layer's kernel and bias. */
function setDense(layer: Layer, kernel: number[][], bias: number[]): void {
  const k = tf.tensor2d(kernel);
  const b = tf.tensor1d(bias);
  layer.setWeights([k, b]);
  tf.dispose([k, b]);
}

/** A layer of a record `{ a, b }`: `a + 2·b`. */
class WeightedSum extends Layer {
  override call(inputs: Record<string, tf.Tensor>): tf.Tensor {
    return tf.add(inputs.a, tf.mul(inputs.b, 2));
  }
}

// --- Input ---------------------------------------------------------------

Deno.test("Input gives a symbolic tensor: batch axis null (or batchSize), dtype, name; its layer is an InputLayer", () => {
  const x = Input({ shape: [28, 28, 1] });
  assert.ok(x instanceof SymbolicTensor);
  assert.deepEqual(x.shape, [null, 28, 28, 1]);
  assert.equal(x.dtype, "float32");
  assert.equal(x.rank, 4);
  assert.match(x.name, /^input_layer(_\d+)?$/); // Keras 3's default name
  assert.ok(x.node.layer instanceof InputLayer);
  assert.equal(x.node.inputs, null);

  const ids = Input({ shape: [null], batchSize: 8, dtype: "int32", name: "tokens" });
  assert.deepEqual(ids.shape, [8, null]);
  assert.equal(ids.dtype, "int32");
  assert.equal(ids.name, "tokens");
  const input = ids.node.layer as InputLayer;
  assert.deepEqual(input.batchShape, [8, null]);
  assert.equal(input.output, ids); // an InputLayer's output is its tensor
  assert.equal(input.input, ids);
  assert.equal(String(ids), "<SymbolicTensor shape=(8, None), dtype=int32, name=tokens>");

  assert.deepEqual(Input({ batchShape: [null, 5] }).shape, [null, 5]);
  assert.deepEqual(Input({ shape: [] }).shape, [null]); // one scalar per sample
  assert.deepEqual(new InputLayer({ shape: [3], name: "direct" }).output.shape, [null, 3]);
});

Deno.test("Input refuses bad options, naming the argument, the value and what was expected", () => {
  const bad = (options: unknown, pattern: RegExp) =>
    assert.throws(() => Input(options as never), pattern);
  bad({}, /"shape" is missing: pass the shape of one sample/);
  bad({ dtype: "int32" }, /"shape" is missing/);
  bad(
    { shape: [3, -1] },
    /"shape" must be an array of positive integers or null.*received \[3,-1\]/,
  );
  bad({ shape: [0] }, /"shape" must be an array of positive integers or null.*received \[0\]/);
  bad({ shape: [2.5] }, /"shape" must be an array of positive integers.*received \[2\.5\]/);
  bad({ shape: 3 }, /"shape" must be an array.*received number 3/);
  bad({ shape: [3], batch_size: 4 }, /"batch_size" is not an option: did you mean "batchSize"\?/);
  bad(
    { shape: [3], dtype: "float64" },
    /"dtype" must be "float32", "int32", "bool" or "string": received string float64/,
  );
  bad({ shape: [3], batchSize: 0 }, /"batchSize" must be a positive integer: received number 0/);
  bad({ shape: [3], batchShape: [null, 3] }, /both "shape" and "batchShape"/);
  bad({ shape: [3], name: 5 }, /"name" must be a string: received 5/);
  bad(undefined, /options must be an object such as \{ shape: \[12\] \}: received undefined/);
  bad([3], /options must be an object/);
});

// --- Shape inference -----------------------------------------------------

Deno.test("layer.apply on symbolic tensors infers shapes and dtypes; unknown axes stay null where the output depends on them", () => {
  const before = tf.memory().numTensors;
  const made: Layer[] = [];
  const use = <L extends Layer>(layer: L): L => (made.push(layer), layer);

  const v = Input({ shape: [3] });
  const d = use(new layers.Dense(5)).apply(v);
  assert.deepEqual([d.shape, d.dtype], [[null, 5], "float32"]);
  assert.deepEqual(use(new layers.Dense(2)).apply(Input({ shape: [3], batchSize: 4 })).shape, [
    4,
    2,
  ]);

  const img = Input({ shape: [28, 28, 3] });
  // "valid": floor((28 - 3) / s) + 1; "same": ceil(28 / s)
  assert.deepEqual(use(new layers.Conv2D(8, 3)).apply(img).shape, [null, 26, 26, 8]);
  assert.deepEqual(
    use(new layers.Conv2D(8, 3, { strides: 2 })).apply(img).shape,
    [null, 13, 13, 8],
  );
  assert.deepEqual(
    use(new layers.Conv2D(8, 3, { padding: "same" })).apply(img).shape,
    [null, 28, 28, 8],
  );
  assert.deepEqual(
    use(new layers.Conv2D(8, 3, { padding: "same", strides: 2 })).apply(img).shape,
    [null, 14, 14, 8],
  );
  assert.deepEqual(
    use(new layers.Conv2D(4, 3, { strides: 2 })).apply(Input({ shape: [null, 9, 3] })).shape,
    [null, null, 4, 4], // rows unknown stay unknown; (9 - 3) / 2 + 1 = 4 columns
  );
  assert.deepEqual(use(new layers.Flatten()).apply(img).shape, [null, 28 * 28 * 3]);
  assert.deepEqual(use(new layers.Flatten()).apply(Input({ shape: [null, 4] })).shape, [
    null,
    null,
  ]);

  const ids = Input({ shape: [null], dtype: "int32" });
  const e = use(new layers.Embedding(100, 8)).apply(ids);
  assert.deepEqual([e.shape, e.dtype], [[null, null, 8], "float32"]);
  const pooled = use(new layers.GlobalAveragePooling1D()).apply(e);
  assert.deepEqual(pooled.shape, [null, 8]); // the unknown length is pooled away

  const a = Input({ shape: [3] });
  const b = Input({ shape: [4] });
  assert.deepEqual(use(new layers.Concatenate()).apply([a, b]).shape, [null, 7]);
  assert.deepEqual(use(new layers.Concatenate()).apply([e, e]).shape, [null, null, 16]);
  assert.deepEqual(use(new layers.Dot({ axes: 1 })).apply([a, a]).shape, [null, 1]);
  assert.deepEqual(use(new layers.Reshape([2, 2])).apply(b).shape, [null, 2, 2]);
  // 37 is odd: the unknown axis is tried at other sizes too
  assert.deepEqual(use(new layers.Reshape([-1, 2])).apply(Input({ shape: [null] })).shape, [
    null,
    null,
    2,
  ]);
  // a record
  const r = use(new WeightedSum()).apply({ a: b, b: Input({ shape: [4] }) });
  assert.deepEqual(r.shape, [null, 4]);
  assert.deepEqual(Object.keys(r.node.inputs as object), ["a", "b"]);

  // Only the weights were created: inference leaves no tensor behind.
  const weights = made.reduce((n, l) => n + l.weights.length, 0);
  assert.equal(tf.memory().numTensors - before, weights);
  for (const l of made) l.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("a layer first called on a symbolic tensor is built with its symbolic shape (unknown axes stay unknown)", () => {
  const seq = Input({ shape: [null], dtype: "int32" });
  const emb = new layers.Embedding(10, 2);
  emb.apply(seq);
  assert.deepEqual(emb.buildInputShape, [null, null]);
  // so it takes any length afterwards
  const x = tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], "int32");
  const y = emb.apply(x);
  assert.deepEqual(y.shape, [1, 5, 2]);
  tf.dispose([x, y]);
  emb.dispose();

  // A layer whose weights would depend on an unknown axis is refused at once, by its own build.
  const dense = new layers.Dense(2);
  assert.throws(
    () => dense.apply(Input({ shape: [null] })),
    /Cannot apply dense\S* \(Dense\) to symbolic input \(None, None\): Cannot build .*known last axis/,
  );
  assert.equal(dense.built, false);
  assert.equal(dense.weights.length, 0);
  const prelu = new layers.PReLU();
  assert.throws(
    () => prelu.apply(Input({ shape: [null, 3] })),
    /axis of unknown size.*"sharedAxes"/,
  );
  assert.equal(prelu.weights.length, 0);

  // A layer's inputShape must fit the symbolic input.
  assert.throws(
    () => new layers.Dense(2, { inputShape: [4] }).apply(Input({ shape: [3] })),
    /does not fit the layer's "inputShape": expected \(None, 4\), received \(None, 3\)/,
  );
});

Deno.test("symbolic calls leave no added loss behind (ActivityRegularization)", () => {
  const before = tf.memory().numTensors;
  const reg = new layers.ActivityRegularization({ l2: 0.5 });
  const x = Input({ shape: [2] });
  const model = new Model({ inputs: x, outputs: reg.apply(x) });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(model.losses.length, 0);
  const data = tf.tensor2d([[1, 2]]);
  const y = model.apply(data);
  const [loss] = model.losses;
  assert.equal(values(loss), 0.5 * (1 + 4)); // 0.5 · Σ x²
  tf.dispose([data, y, loss]);
  model.dispose();
  assert.equal(tf.memory().numTensors, before);
});

// --- Model ---------------------------------------------------------------

Deno.test("a functional Model of one input runs its layers: values as computed by hand", () => {
  const x = Input({ shape: [2], name: "features" });
  const hidden = new layers.Dense(2, { activation: "relu", name: "hidden" });
  const head = new layers.Dense(1, { name: "head" });
  const y = head.apply(hidden.apply(x));
  const model = new Model({ inputs: x, outputs: y, name: "mlp" });
  assert.equal(model.name, "mlp");
  assert.deepEqual(model.inputNames, ["features"]);
  assert.deepEqual(model.outputNames, ["head"]);
  assert.deepEqual(model.outputShape, [null, 1]);
  assert.equal(model.built, true);
  assert.equal(model.countParams(), 2 * 2 + 2 + 2 + 1);
  setDense(hidden, [[1, -1], [2, 1]], [0, 0.5]);
  setDense(head, [[3], [-2]], [1]);
  const data = tf.tensor2d([[1, 1], [2, -1]]);
  // row 1: hidden relu([3, 0.5]) = [3, 0.5] → 9 - 1 + 1 = 9
  // row 2: hidden relu([0, -2.5]) = [0, 0] → 1
  const out = model.apply(data);
  assert.deepEqual(values(out), [[9], [1]]);
  const byName = model.apply({ features: data });
  assert.deepEqual(values(byName), [[9], [1]]);
  const predicted = model.predict(data);
  assert.deepEqual(values(predicted), [[9], [1]]);
  tf.dispose([data, out, byName, predicted]);
  model.dispose();
});

Deno.test("a functional Model of several inputs and outputs: data in order or by name, outputs in the structure given", () => {
  const a = Input({ shape: [2], name: "a" });
  const b = Input({ shape: [3], name: "b" });
  const da = new layers.Dense(1, { name: "da" });
  const db = new layers.Dense(1, { name: "db" });
  const ya = da.apply(a);
  const yb = db.apply(b);
  const joined = new layers.Concatenate({ name: "joined" }).apply([ya, yb]);
  setDense(da, [[1], [2]], [0.5]);
  setDense(db, [[1], [1], [1]], [0]);
  const xa = tf.tensor2d([[1, 1], [0, 1]]);
  const xb = tf.tensor2d([[1, 2, 3], [0, 0, 1]]);
  // ya = [3.5, 2.5], yb = [6, 1]
  const expectedJoined = [[3.5, 6], [2.5, 1]];

  const listed = new Model({ inputs: [a, b], outputs: [joined, ya] });
  assert.deepEqual(listed.inputNames, ["a", "b"]);
  assert.deepEqual(listed.outputNames, ["joined", "da"]);
  assert.deepEqual(listed.inputs, [a, b]);
  assert.deepEqual(listed.outputs, [joined, ya]);
  const [j, first] = listed.apply([xa, xb]) as unknown as tf.Tensor[];
  assert.deepEqual(values(j), expectedJoined);
  assert.deepEqual(values(first), [[3.5], [2.5]]);
  // a record of data, keyed by the inputs' names, for a model given an array
  const [j2] = listed.apply({ b: xb, a: xa }) as unknown as tf.Tensor[];
  assert.deepEqual(values(j2), expectedJoined);

  const keyed = new Model({ inputs: { left: a, right: b }, outputs: { joined, first: ya } });
  assert.deepEqual(keyed.inputNames, ["left", "right"]);
  assert.deepEqual(keyed.outputNames, ["joined", "first"]);
  assert.deepEqual(keyed.input, { left: a, right: b });
  const out = keyed.apply({ right: xb, left: xa }) as unknown as Record<string, tf.Tensor>;
  assert.deepEqual(Object.keys(out), ["joined", "first"]);
  assert.deepEqual(values(out.joined), expectedJoined);
  assert.deepEqual(values(out.first), [[3.5], [2.5]]);
  const inOrder = keyed.apply([xa, xb]) as unknown as Record<string, tf.Tensor>;
  assert.deepEqual(values(inOrder.joined), expectedJoined);
  assert.throws(
    () => keyed.apply({ left: xa } as never),
    /keys do not match its inputs: expected 2 inputs \("left", "right"\), received "left"; missing "right"/,
  );
  assert.throws(
    () => keyed.apply([xa]),
    /takes 2 inputs \("left", "right"\): received 1 tensor/,
  );
  assert.throws(
    () => keyed.apply([xb, xa]),
    /input "left" does not fit: expected \(None, 2\), received \(None, 3\)/,
  );

  const one = new Model({ inputs: [a, b], outputs: joined });
  const single = one.apply([xa, xb]);
  assert.ok(single instanceof tf.Tensor);
  assert.deepEqual(values(single), expectedJoined);

  tf.dispose([xa, xb, j, first, j2, out.joined, out.first, inOrder.joined, inOrder.first, single]);
  listed.dispose();
});

Deno.test("two outputs of one shared layer get distinct names (name, name_1)", () => {
  const a = Input({ shape: [2] });
  const b = Input({ shape: [2] });
  const shared = new layers.Dense(1, { name: "score" });
  const model = new Model({ inputs: [a, b], outputs: [shared.apply(a), shared.apply(b)] });
  assert.deepEqual(model.outputNames, ["score", "score_1"]);
  model.dispose();
});

Deno.test("an output that is an input comes back as a copy", () => {
  const x = Input({ shape: [2] });
  const model = new Model({ inputs: x, outputs: [x, new layers.Dense(1).apply(x)] });
  const data = tf.tensor2d([[1, 2]]);
  const [same, dense] = model.apply(data) as unknown as tf.Tensor[];
  assert.notEqual(same, data);
  assert.deepEqual(values(same), [[1, 2]]);
  tf.dispose([data, same, dense]);
  model.dispose();
});

// --- Shared layers -------------------------------------------------------

Deno.test("one Embedding shared by a 10-token title and a 30-token body: one table, a node per call", () => {
  const title = Input({ shape: [10], dtype: "int32", name: "title" });
  const body = Input({ shape: [30], dtype: "int32", name: "body" });
  const embed = new layers.Embedding(50, 4, { name: "shared_embedding" });
  const t = embed.apply(title);
  const b = embed.apply(body);
  assert.deepEqual(t.shape, [null, 10, 4]);
  assert.deepEqual(b.shape, [null, 30, 4]);
  assert.equal(embed.inboundNodes.length, 2);
  assert.equal(embed.getOutputAt(0), t);
  assert.equal(embed.getOutputAt(1), b);
  assert.equal(embed.getInputAt(0), title);
  assert.equal(embed.getInputAt(1), body);
  assert.throws(
    () => embed.output,
    /output of shared_embedding \(Embedding\) as it was called 2 times \(a shared layer\): use getOutputAt\(i\)/,
  );
  assert.throws(() => embed.input, /called 2 times.*getInputAt\(i\)/);
  assert.throws(() => embed.getOutputAt(2), /at node number 2 as it has 2 nodes.*pass 0 to 1/);

  const pool = new layers.GlobalAveragePooling1D();
  const joined = new layers.Concatenate().apply([pool.apply(t), pool.apply(b)]);
  const model = new Model({ inputs: { title, body }, outputs: joined });
  assert.equal(model.weights.length, 1); // one table, [50, 4]
  assert.deepEqual(model.weights[0].shape, [50, 4]);
  const table = tf.tensor2d(Array.from({ length: 50 }, (_, i) => [i, 0, 0, -i]));
  embed.setWeights([table]);
  const titleIds = tf.fill([1, 10], 2, "int32");
  const bodyIds = tf.fill([1, 30], 3, "int32");
  const out = model.apply({ title: titleIds, body: bodyIds });
  assert.deepEqual(values(out), [[2, 0, 0, -2, 3, 0, 0, -3]]);
  tf.dispose([table, titleIds, bodyIds, out]);
  model.dispose();
});

Deno.test("a Dense shared between inputs of other last dims is refused, naming the layer and both shapes; it stays as it was", () => {
  const a = Input({ shape: [2] });
  const b = Input({ shape: [3] });
  const dense = new layers.Dense(4, { name: "proj" });
  const ya = dense.apply(a);
  assert.throws(
    () => dense.apply(b),
    /Cannot apply proj \(Dense\) to symbolic input \(None, 3\); it was built for \(None, 2\)/,
  );
  assert.deepEqual(dense.buildInputShape, [null, 2]);
  assert.equal(dense.inboundNodes.length, 1);
  assert.equal(dense.output, ya);
  const data = tf.ones([1, 2]);
  const y = dense.apply(data);
  assert.deepEqual(y.shape, [1, 4]);
  tf.dispose([data, y]);
  dense.dispose();
});

// --- Nested models -------------------------------------------------------

Deno.test("a functional Model and a Sequential nested in a functional model: weights once, trained with the outer model", async () => {
  setSeed(3);
  const innerIn = Input({ shape: [3] });
  const inner = new Model({
    inputs: innerIn,
    outputs: new layers.Dense(4, { activation: "tanh", name: "inner_dense" }).apply(innerIn),
    name: "inner",
  });
  const stack = new Sequential([
    Input({ shape: [4] }),
    new layers.Dense(2, { name: "stack_dense" }),
  ], {
    name: "stack",
  });
  const x = Input({ shape: [3] });
  const h = inner.apply(x);
  assert.deepEqual(h.shape, [null, 4]);
  const s = stack.apply(h);
  assert.deepEqual(s.shape, [null, 2]);
  const y = new layers.Dense(1, { name: "out" }).apply(s);
  const outer = new Model({ inputs: x, outputs: y });
  assert.deepEqual(outer.layers.map((l) => l.name), [x.name, "inner", "stack", "out"]);
  assert.equal(outer.weights.length, 6);
  assert.equal(new Set(outer.weights).size, 6);
  assert.equal(outer.countParams(), 3 * 4 + 4 + 4 * 2 + 2 + 2 + 1);
  // the nested model's output is its own, as in Keras
  assert.equal(inner.output, inner.outputs[0]);
  assert.equal(inner.getOutputAt(0), h); // its first call

  const xs = tf.tensor2d([[1, 0, -1], [0.5, 0.5, 0.5], [-1, 2, 0], [0, 0, 1]]);
  const ys = tf.tensor2d([[1], [0], [-1], [0.5]]);
  const expected = tf.tidy(() => stack.apply(inner.apply(xs)));
  const viaOuter = tf.tidy(() => outer.getLayer("stack").apply(outer.getLayer("inner").apply(xs)));
  assert.deepEqual(values(viaOuter), values(expected));
  const innerBefore = inner.getWeights();
  const stackBefore = stack.getWeights();
  outer.compile({ optimizer: "sgd", loss: "mse" });
  await outer.fit(xs, ys, { epochs: 2, batchSize: 4, verbose: 0 });
  const innerAfter = inner.getWeights();
  const stackAfter = stack.getWeights();
  assert.notDeepEqual(values(innerAfter[0]), values(innerBefore[0]));
  assert.notDeepEqual(values(stackAfter[0]), values(stackBefore[0]));
  tf.dispose([
    xs,
    ys,
    expected,
    viaOuter,
    ...innerBefore,
    ...stackBefore,
    ...innerAfter,
    ...stackAfter,
  ]);
  outer.dispose();
});

Deno.test("a subclassed Model called on a symbolic tensor is built and runs as a layer", () => {
  class Doubler extends Model {
    dense = new layers.Dense(2, { name: "doubler_dense" });
    override call(x: tf.Tensor): tf.Tensor {
      return tf.mul(this.dense.apply(x), 2);
    }
  }
  const doubler = new Doubler();
  const x = Input({ shape: [3] });
  const y = doubler.apply(x);
  assert.deepEqual(y.shape, [null, 2]);
  assert.deepEqual(doubler.buildInputShape, [null, 3]);
  const model = new Model({ inputs: x, outputs: y });
  assert.equal(model.weights.length, 2);
  setDense(doubler.dense, [[1, 0], [0, 1], [1, 1]], [0, 1]);
  const data = tf.tensor2d([[1, 2, 3]]);
  const out = model.apply(data);
  assert.deepEqual(values(out), [[8, 12]]); // 2 · [1 + 3, 2 + 3 + 1]
  tf.dispose([data, out]);
  model.dispose();
});

Deno.test("an unbuilt Sequential called on a symbolic tensor is built with its unknown axes", () => {
  const stack = new Sequential([new layers.Embedding(5, 2), new layers.GlobalAveragePooling1D()]);
  const ids = Input({ shape: [null], dtype: "int32" });
  const y = stack.apply(ids);
  assert.deepEqual(y.shape, [null, 2]);
  assert.deepEqual(stack.inputs[0].shape, [null, null]);
  const data = tf.tensor2d([[1, 2, 3, 4, 1, 2, 3]], [1, 7], "int32");
  const out = stack.apply(data);
  assert.deepEqual(out.shape, [1, 2]);
  tf.dispose([data, out]);
  stack.dispose();
});

// --- layers, getLayer, inputs/outputs, layer.input/output -----------------

Deno.test("model.layers (inputs first, graph order), getLayer by name and index, inputs, outputs, layer.input/output", () => {
  const x = Input({ shape: [4], name: "x" });
  const d1 = new layers.Dense(3, { name: "d1" });
  const d2 = new layers.Dense(2, { name: "d2" });
  const h = d1.apply(x);
  const y = d2.apply(h);
  const model = new Model({ inputs: x, outputs: y, name: "two" });
  assert.deepEqual(model.layers.map((l) => l.name), ["x", "d1", "d2"]);
  assert.ok(model.layers[0] instanceof InputLayer);
  assert.equal(model.getLayer("d1"), d1);
  assert.equal(model.getLayer(2), d2);
  assert.equal(model.getLayer(0), x.node.layer);
  assert.throws(
    () => model.getLayer("d3"),
    /Cannot get layer "d3" of two as it has no layer of that name: its layers are "x", "d1", "d2"/,
  );
  assert.throws(
    () => model.getLayer(3),
    /Cannot get layer 3 of two as it has 3 layers: pass an index from 0 to 2/,
  );
  assert.throws(() => model.getLayer(-1), /pass an index from 0 to 2/);
  assert.throws(
    () => model.getLayer(null as never),
    /"nameOrIndex" must be a layer name or an index: received null/,
  );
  assert.deepEqual(model.inputs, [x]);
  assert.deepEqual(model.outputs, [y]);
  assert.equal(model.input, x);
  assert.equal(model.output, y);
  assert.equal(d1.input, x);
  assert.equal(d1.output, h);
  assert.equal(d2.input, h);
  assert.equal(d2.output, y);
  const never = new layers.Dense(1, { name: "lonely" });
  assert.throws(
    () => never.output,
    /output of lonely \(Dense\) as it was never called on a symbolic tensor/,
  );
  const two = new Model({ inputs: x, outputs: [h, y] });
  assert.throws(() => two.output, /as it has 2 outputs \("d1", "d2"\): read model.outputs/);
  model.dispose();
  never.dispose();
});

Deno.test("a model from a Sequential's intermediate output shares its weights (Keras's feature extractor)", () => {
  const base = new Sequential([
    Input({ shape: [28, 28, 1] }),
    new layers.Conv2D(4, 3, { name: "c1" }),
    new layers.Flatten(),
    new layers.Dense(10),
  ]);
  assert.equal(base.layers.length, 3); // the input layer is not listed, as in Keras
  assert.equal(base.getLayer(0).name, "c1");
  assert.deepEqual(base.inputs[0].shape, [null, 28, 28, 1]);
  assert.deepEqual(base.outputs[0].shape, [null, 10]);
  assert.equal(base.input, base.inputs[0]);
  assert.equal(base.output, base.outputs[0]);
  const features = new Model({ inputs: base.inputs, outputs: base.getLayer("c1").output });
  assert.deepEqual(features.outputShape, [null, 26, 26, 4]);
  assert.deepEqual(features.layers.map((l) => l.name), [base.inputs[0].name, "c1"]);
  assert.equal(features.weights.length, 2);
  assert.equal(features.weights[0], base.getLayer("c1").weights[0]); // the same variable
  const data = tf.randomNormal([2, 28, 28, 1], 0, 1, "float32", 1);
  const got = features.apply(data);
  const expected = base.getLayer("c1").apply(data);
  assert.deepEqual(values(got), values(expected));
  tf.dispose([data, got, expected]);
  base.dispose();
});

Deno.test("a model whose input is an inner tensor holds only the layers it runs (Keras's backbone / activations)", () => {
  const inputs = Input({ shape: [8, 8, 3] });
  const convLayer = new layers.Conv2D(2, 3, { name: "conv" });
  const conv = convLayer.apply(inputs);
  const pooling = new layers.GlobalAveragePooling2D({ name: "gap" }).apply(conv);
  const featLayer = new layers.Dense(4, { name: "feat" });
  const feature = featLayer.apply(pooling);
  const full = new Model({ inputs, outputs: feature });
  const backbone = new Model({ inputs, outputs: conv });
  const activations = new Model({ inputs: conv, outputs: feature });
  // a new Input of the inner tensor's shape stands for it, as Keras's clone_graph_nodes
  assert.deepEqual(activations.layers.map((l) => l.name), ["conv_input", "gap", "feat"]);
  assert.ok(activations.layers[0] instanceof InputLayer);
  assert.deepEqual(activations.inputs[0].shape, [null, 6, 6, 2]);
  assert.deepEqual(activations.outputs[0].shape, [null, 4]);
  assert.equal(activations.weights.length, 2); // feat's only, not conv's
  assert.equal(activations.countParams(), 2 * 4 + 4);
  assert.equal(full.weights.length, 4);
  assert.equal(backbone.weights.length, 2);
  // the layers are shared: the full model is the backbone then the activations
  const data = tf.randomNormal([2, 8, 8, 3], 0, 1, "float32", 2);
  const whole = full.apply(data);
  const staged = tf.tidy(() => activations.apply(backbone.apply(data)));
  assert.deepEqual(values(staged), values(whole));
  tf.dispose([data, whole, staged]);
  full.dispose();
});

// --- Sequential and its input -------------------------------------------

Deno.test("Sequential starts at Input(...) or an InputLayer, refuses one elsewhere, and lists no input layer", () => {
  const withInput = new Sequential([Input({ shape: [4] }), new layers.Dense(2)]);
  assert.equal(withInput.layers.length, 1);
  assert.equal(withInput.built, true);
  assert.deepEqual(withInput.outputShape, [null, 2]);
  assert.equal(withInput.weights.length, 2);

  const withLayer = new Sequential([new layers.InputLayer({ shape: [4] }), new layers.Dense(3)]);
  assert.equal(withLayer.layers.length, 1);
  assert.deepEqual(withLayer.inputs[0].shape, [null, 4]);

  const added = new Sequential();
  added.add(Input({ shape: [5] }));
  added.add(new layers.Dense(1));
  assert.deepEqual(added.outputShape, [null, 1]);

  assert.throws(
    () => new Sequential([new layers.Dense(2), Input({ shape: [4] })]),
    /an Input or InputLayer goes first/,
  );
  assert.throws(
    () => new Sequential([Input({ shape: [4] }), Input({ shape: [4] })]),
    /after its layers or a second time/,
  );
  const x = Input({ shape: [4] });
  const inner = new layers.Dense(2).apply(x);
  assert.throws(() => new Sequential([inner]), /is not an Input: pass Input\(\{ shape \}\)/);
  assert.throws(
    () => new Sequential([Input({ shape: [4] }), new layers.Dense(2, { inputShape: [4] })]),
    /only the first layer takes one \(this model already starts with an Input\)/,
  );
  assert.throws(
    () =>
      new Sequential([
        Input({ shape: [4] }),
        new layers.Dense(2, { name: "q" }),
        new layers.Dense(2, {
          name: "q",
        }),
      ]),
    /Cannot add q \(Dense\) to \S+ as it already has a layer of that name/,
  );
  withInput.dispose();
  withLayer.dispose();
  added.dispose();
});

Deno.test("a Sequential whose build from the first data fails keeps all its layers", () => {
  const model = new Sequential([new layers.Dense(4), new layers.Reshape([3])]);
  const bad = tf.ones([2, 5]);
  assert.throws(() => model.apply(bad), /Reshape.*cannot be reshaped to \[3\]/);
  assert.equal(model.layers.length, 2);
  assert.equal(model.built, false);
  assert.throws(() => model.apply(bad), /cannot be reshaped/); // not silently shorter
  bad.dispose();
  model.dispose();
});

// --- Masks ---------------------------------------------------------------

Deno.test("a mask travels through the graph: Embedding(maskZero) → GlobalAveragePooling1D averages the real steps", () => {
  const table = tf.tensor2d([[9, 9], [1, 2], [3, 4], [5, 6], [7, 8]]);
  const ids = Input({ shape: [null], dtype: "int32" });
  const embed = new layers.Embedding(5, 2, { maskZero: true });
  const e = embed.apply(ids);
  assert.equal(e.maskRank, 2);
  const pooled = new layers.GlobalAveragePooling1D().apply(e);
  assert.equal(pooled.maskRank, 0);
  const model = new Model({ inputs: ids, outputs: pooled });
  embed.setWeights([table]);
  const seq = new Sequential([
    new layers.Embedding(5, 2, { maskZero: true }),
    new layers.GlobalAveragePooling1D(),
  ]);
  const data = tf.tensor2d([[1, 2, 0, 0], [3, 0, 0, 0]], [2, 4], "int32");
  const fromSeq = seq.apply(data);
  seq.setWeights([table]);
  const fromSeq2 = seq.apply(data);
  const got = model.apply(data);
  const predicted = model.predict(data);
  // row 1: mean of rows 1, 2 = [2, 3]; row 2: row 3 = [5, 6] (the padding's [9, 9] is skipped)
  assert.deepEqual(values(got), [[2, 3], [5, 6]]);
  assert.deepEqual(values(predicted), [[2, 3], [5, 6]]);
  assert.deepEqual(values(fromSeq2), values(got));
  tf.dispose([table, data, fromSeq, fromSeq2, got, predicted]);
  model.dispose();
  seq.dispose();
});

Deno.test("Masking → Softmax over the steps ignores the masked step, as the Sequential equivalent", () => {
  const x = Input({ shape: [3, 2] });
  const masked = new layers.Masking().apply(x);
  assert.equal(masked.maskRank, 2);
  const soft = new layers.Softmax({ axis: 1 }).apply(masked);
  const model = new Model({ inputs: x, outputs: soft });
  const seq = new Sequential([new layers.Masking(), new layers.Softmax({ axis: 1 })]);
  const data = tf.tensor3d([[[1, 2], [0, 0], [3, 1]]]);
  const got = model.apply(data);
  const fromSeq = seq.apply(data);
  const e = Math.exp;
  const expected = [[
    [e(1) / (e(1) + e(3)), e(2) / (e(2) + e(1))],
    [0, 0],
    [e(3) / (e(1) + e(3)), e(1) / (e(2) + e(1))],
  ]];
  assert.deepEqual(values(got), values(tf.tidy(() => tf.tensor3d(expected))));
  assert.deepEqual(values(fromSeq), values(got));
  tf.dispose([data, got, fromSeq]);
});

Deno.test("a model's output keeps its mask (a nested model passes it on)", () => {
  const ids = Input({ shape: [3], dtype: "int32" });
  const embedder = new Model({
    inputs: ids,
    outputs: new layers.Embedding(4, 2, { maskZero: true }).apply(ids),
  });
  const outerIds = Input({ shape: [3], dtype: "int32" });
  const e = embedder.apply(outerIds);
  assert.equal(e.maskRank, 2);
  const data = tf.tensor2d([[1, 0, 2]], [1, 3], "int32");
  const out = embedder.apply(data);
  const mask = maskOf(out)!;
  assert.deepEqual(mask.arraySync(), [[1, 0, 1]]); // a bool tensor reads back as 0 and 1
  tf.dispose([data, out, mask]);
  embedder.dispose();
});

// --- training fixed at a call --------------------------------------------

Deno.test("training fixed at a symbolic call is kept at run time", () => {
  const x = Input({ shape: [200] });
  const always = new Model({
    inputs: x,
    outputs: new layers.Dropout(0.5, { seed: 7 }).apply(x, { training: true }),
  });
  const usual = new Model({ inputs: x, outputs: new layers.Dropout(0.5, { seed: 7 }).apply(x) });
  const data = tf.ones([1, 200]);
  const dropped = always.predict(data);
  const kept = [...dropped.dataSync()];
  assert.ok(kept.every((v) => v === 0 || Math.abs(v - 2) < 1e-6)); // 1 / (1 - 0.5)
  const zeros = kept.filter((v) => v === 0).length;
  assert.ok(zeros > 50 && zeros < 150, `${zeros} of 200 dropped`);
  const plain = usual.predict(data);
  assert.deepEqual([...plain.dataSync()], new Array(200).fill(1));
  tf.dispose([data, dropped, plain]);
});

// --- errors --------------------------------------------------------------

Deno.test("graph errors: an unreachable output names the missing Input; data tensors are refused", () => {
  const a = Input({ shape: [2], name: "a" });
  const c = Input({ shape: [2], name: "c" });
  const sum = new layers.Add({ name: "sum" }).apply([a, c]);
  assert.throws(
    () => new Model({ inputs: a, outputs: sum, name: "half" }),
    /Cannot build model half as output "sum" depends on Input "c" \(None, 2\), which is not among "inputs" \("a"\): add it to inputs/,
  );
  const data = tf.ones([1, 2]);
  assert.throws(
    () => new Model({ inputs: data as never, outputs: sum }),
    /"inputs" must be a symbolic tensor.*received a float32 tensor of shape \[1,2\]; a model is built from symbolic tensors, not data/,
  );
  assert.throws(
    () => new Model({ inputs: [a, data] as never, outputs: sum }),
    /inputs\["1"\] must be a symbolic tensor.*not data/,
  );
  assert.throws(
    () => new Model({ inputs: [a, c], outputs: data as never }),
    /"outputs" must be a symbolic tensor.*not data/,
  );
  assert.throws(() => new Model({ inputs: a }), /"outputs" is missing/);
  assert.throws(() => new Model({ inputs: [], outputs: sum }), /"inputs" is empty/);
  assert.throws(
    () => new Model({ inputs: [a, a], outputs: sum }),
    /"inputs" holds the same tensor twice/,
  );
  data.dispose();
});

Deno.test("graph errors: a merge of incompatible shapes names the layer and both shapes", () => {
  const a = Input({ shape: [3] });
  const b = Input({ shape: [4] });
  assert.throws(
    () => new layers.Add({ name: "plus" }).apply([a, b]),
    /Cannot apply plus \(Add\) to symbolic input \["\(None, 3\)","\(None, 4\)"\].*input shapes \(None, 3\) and \(None, 4\) cannot be merged/,
  );
  assert.throws(
    () => new layers.Concatenate({ name: "cat" }).apply([a, Input({ shape: [2, 2] })]),
    /Cannot apply cat \(Concatenate\) to symbolic input \["\(None, 3\)","\(None, 2, 2\)"\]/,
  );
});

Deno.test("graph errors: duplicate layer names, symbolic tensors mixed with data", async () => {
  const x = Input({ shape: [2], name: "x" });
  const first = new layers.Dense(2, { name: "twin" });
  const second = new layers.Dense(2, { name: "twin" });
  assert.throws(
    () => new Model({ inputs: x, outputs: second.apply(first.apply(x)) }),
    /two of its layers are named "twin" \(Dense and Dense\): layer names in a model must be unique/,
  );
  const y = new layers.Dense(1, { name: "head" }).apply(x);
  const model = new Model({ inputs: x, outputs: y, name: "m" });
  const data = tf.ones([1, 2]);
  assert.throws(
    () => new layers.Concatenate().apply([x, data] as never),
    /input "1" must be a symbolic tensor like the others.*received a float32 tensor of shape \[1,2\]/,
  );
  assert.throws(
    () => model.apply([x, data] as never),
    /input "1" must be a symbolic tensor like the others/,
  );
  assert.throws(() => model.predict(x as never), /symbolic/);
  model.compile({ optimizer: "sgd", loss: "mse" });
  await assert.rejects(() => model.fit(x as never, data), /symbolic/);
  assert.throws(
    () => new layers.Dense(1).apply(x, { mask: data } as never),
    /explicit "mask": masks travel with the tensors/,
  );
  assert.throws(
    () => new layers.Dense(1).apply(x, { traning: true } as never),
    /"traning" is not an option/,
  );
  data.dispose();
  model.dispose();
});

// --- memory --------------------------------------------------------------

Deno.test("building, running and disposing functional models leaves no tensor behind", () => {
  const before = tf.memory().numTensors;
  const ids = Input({ shape: [6], dtype: "int32" });
  const other = Input({ shape: [3] });
  const e = new layers.Embedding(20, 4, { maskZero: true }).apply(ids);
  const pooled = new layers.GlobalAveragePooling1D().apply(e);
  const side = new layers.Dense(4, { activation: "relu" }).apply(other);
  const merged = new layers.Concatenate().apply([pooled, side]);
  const dropped = new layers.Dropout(0.3).apply(merged, { training: true });
  const out = new layers.Dense(2, { activation: "softmax" }).apply(dropped);
  const model = new Model({ inputs: { ids, other }, outputs: out });
  const wrapX = Input({ shape: [6], dtype: "int32" });
  const wrapO = Input({ shape: [3] });
  const wrapper = new Model({
    inputs: [wrapX, wrapO],
    outputs: new layers.Dense(1).apply(model.apply({ ids: wrapX, other: wrapO })),
  });
  assert.equal(tf.memory().numTensors - before, wrapper.weights.length);
  const x = tf.tensor2d([[1, 2, 3, 0, 0, 0], [4, 5, 0, 0, 0, 0]], [2, 6], "int32");
  const o = tf.ones([2, 3]);
  for (let i = 0; i < 3; i++) {
    const y = wrapper.apply([x, o]);
    const p = wrapper.predict([x, o] as never);
    tf.dispose([y, p]);
  }
  tf.dispose([x, o]);
  wrapper.dispose();
  assert.equal(tf.memory().numTensors, before);
});

// --- fit -----------------------------------------------------------------

Deno.test("fit trains a single-input single-output functional model with validationSplit", async () => {
  setSeed(11);
  const x = Input({ shape: [2] });
  const model = new Model({ inputs: x, outputs: new layers.Dense(1).apply(x) });
  model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: "mse" });
  const n = 64;
  const xs = tf.randomUniform([n, 2], -1, 1, "float32", 5);
  const ys = tf.tidy(() => tf.matMul(xs, tf.tensor2d([[2], [-1]])).add(0.5));
  const history = await model.fit(xs, ys, {
    epochs: 15,
    batchSize: 16,
    validationSplit: 0.25,
    verbose: 0,
  });
  const loss = history.history.loss as number[];
  const valLoss = history.history.val_loss as number[];
  assert.equal(loss.length, 15);
  assert.equal(valLoss.length, 15);
  assert.ok(loss[14] < loss[0] / 10, `loss ${loss[0]} → ${loss[14]}`);
  assert.ok(valLoss[14] < valLoss[0], `val_loss ${valLoss[0]} → ${valLoss[14]}`);
  tf.dispose([xs, ys]);
  model.dispose();
});
