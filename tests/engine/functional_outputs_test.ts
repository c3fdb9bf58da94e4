// Layers of several outputs and layers with tensor call options in a
// functional graph (an RNN's `returnState` / `initialState`, attention's
// `attentionMask`), and nested models of several outputs.
import assert from "node:assert/strict";
import { type CallOptions, Input, Layer, layers, Model, SymbolicTensor, tf } from "../../mod.ts";

/** Returns [x + shift, 2x]; `shift` is a call option that may be a tensor. */
class TwoOut extends Layer {
  static override callOptionKeys = ["shift"];
  override call(x: tf.Tensor, options: CallOptions & { shift?: tf.Tensor }): tf.Tensor {
    const shifted = options.shift ? tf.add(x, options.shift) : tf.clone(x);
    return [shifted, tf.mul(x, 2)] as unknown as tf.Tensor;
  }
}

Deno.test("a layer of several outputs gives one symbolic tensor each, and the graph runs them", () => {
  const x = Input({ shape: [3], name: "x" });
  const s = Input({ shape: [3], name: "s" });
  const [a, b] = new TwoOut({ name: "two" }).apply(x, { shift: s } as never) as unknown as [
    SymbolicTensor,
    SymbolicTensor,
  ];
  assert.ok(a instanceof SymbolicTensor && b instanceof SymbolicTensor);
  assert.deepEqual(a.shape, [null, 3]);
  const out = new layers.Add().apply([a, b]);
  const model = new Model({ inputs: [x, s], outputs: [out, b] });
  const before = tf.memory().numTensors;
  const xs = tf.tensor2d([[1, 2, 3]]);
  const ss = tf.tensor2d([[10, 20, 30]]);
  const [sum, twice] = model.apply([xs, ss]) as unknown as tf.Tensor[];
  // (x + s) + 2x = 3x + s
  assert.deepEqual(Array.from(sum.dataSync()), [13, 26, 39]);
  assert.deepEqual(Array.from(twice.dataSync()), [2, 4, 6]);
  tf.dispose([xs, ss, sum, twice]);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

Deno.test("a call option that is a symbolic tensor is an input of the node: missing from inputs is refused", () => {
  const x = Input({ shape: [3], name: "x" });
  const s = Input({ shape: [3], name: "s" });
  const [a] = new TwoOut().apply(x, { shift: s } as never) as unknown as SymbolicTensor[];
  assert.throws(
    () => new Model({ inputs: x, outputs: a }),
    /depends on Input "s" \(None, 3\), which is not among "inputs" \("x"\)/,
  );
});

Deno.test("an unknown call option is refused in the symbolic call too", () => {
  const x = Input({ shape: [3] });
  assert.throws(
    () => new TwoOut().apply(x, { shfit: 1 } as never),
    /"shfit" is not an option: did you mean "shift"\?/,
  );
});

Deno.test("a nested model of several outputs returns them in its structure, symbolic and eager", () => {
  const i = Input({ shape: [2] });
  const inner = new Model({
    inputs: i,
    outputs: {
      up: new layers.Dense(3, { name: "up" }).apply(i),
      down: new layers.Dense(1, { name: "down" }).apply(i),
    },
  });
  const x = Input({ shape: [2] });
  const parts = inner.apply(x) as unknown as Record<string, SymbolicTensor>;
  assert.deepEqual(Object.keys(parts), ["up", "down"]);
  assert.deepEqual(parts.up.shape, [null, 3]);
  const y = new layers.Concatenate().apply([parts.up, parts.down]);
  const outer = new Model({ inputs: x, outputs: y });
  const data = tf.ones([4, 2]);
  const out = outer.predict(data);
  assert.deepEqual(out.shape, [4, 4]);
  tf.dispose([data, out]);
  outer.dispose();
});
