import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { EinsumDense } from "../../layers/mod.ts";
import { einsum } from "../../layers/_einsum.ts";
import { checkLayer, distinctInput } from "./_layer_check.ts";

Deno.test("EinsumDense passes the shared layer check (Keras's equation forms)", () => {
  const cases: [string, number | (number | null)[], string | null, number[], number[], number][] = [
    ["ab,bc->ac", 4, "c", [2, 3], [2, 4], 3 * 4 + 4],
    ["abc,cd->abd", [null, 4], "d", [2, 3, 5], [2, 3, 4], 5 * 4 + 4],
    ["abc,cde->abde", [null, 2, 3], "de", [2, 3, 5], [2, 3, 2, 3], 5 * 6 + 6],
    ["abcd,cde->abe", [null, 4], "e", [2, 3, 2, 5], [2, 3, 4], 10 * 4 + 4],
    ["...b,bc->...c", 4, "c", [2, 3, 5], [2, 3, 4], 5 * 4 + 4],
    ["ab...,bc->ac...", [4], "c", [2, 5, 3], [2, 4, 3], 5 * 4 + 4],
    ["abc,cde->abde", [null, 2, 3], null, [2, 3, 5], [2, 3, 2, 3], 5 * 6],
  ];
  for (const [equation, outputShape, biasAxes, inputShape, out, params] of cases) {
    checkLayer({
      make: () => new EinsumDense(equation, outputShape, { biasAxes, activation: "tanh" }),
      cls: EinsumDense,
      inputShape,
      outputShape: out,
      weights: biasAxes === null ? 1 : 2,
      params,
    });
  }
});

Deno.test("EinsumDense derives Keras's kernel and bias shapes", () => {
  const before = tf.memory().numTensors;
  const shapes = (layer: EinsumDense, input: number[]) => {
    const x = tf.zeros(input);
    const y = layer.apply(x);
    const out = { y: y.shape, kernel: layer.kernel!.shape, bias: layer.bias?.shape ?? null };
    tf.dispose([x, y]);
    layer.dispose();
    return out;
  };
  // Keras's docstring examples.
  assert.deepEqual(shapes(new EinsumDense("ab,bc->ac", 64, { biasAxes: "c" }), [2, 32]), {
    y: [2, 64],
    kernel: [32, 64],
    bias: [64],
  });
  assert.deepEqual(
    shapes(new EinsumDense("abc,cd->abd", [null, 64], { biasAxes: "d" }), [2, 32, 128]),
    { y: [2, 32, 64], kernel: [128, 64], bias: [64] },
  );
  assert.deepEqual(
    shapes(new EinsumDense("abc,cde->abde", [null, 2, 8], { biasAxes: "d" }), [2, 5, 16]),
    { y: [2, 5, 2, 8], kernel: [16, 2, 8], bias: [2, 1] },
  );
  assert.deepEqual(
    shapes(new EinsumDense("...b,bc->...c", 64, { biasAxes: "c" }), [2, 32, 128]),
    { y: [2, 32, 64], kernel: [128, 64], bias: [64] },
  );
  assert.deepEqual(
    shapes(new EinsumDense("abc...,cd->abd...", [null, 4], { biasAxes: "d" }), [2, 3, 5, 6]),
    { y: [2, 3, 4, 6], kernel: [5, 4], bias: [4, 1] },
  );
  const dense = new EinsumDense("abc,cde->abde", [null, 2, 8]);
  assert.deepEqual(dense.computeOutputShape([null, 5, 16]), [null, 5, 2, 8]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("EinsumDense computes einsum + bias, values derived by hand", () => {
  const layer = new EinsumDense("abc,cd->abd", [null, 2], { biasAxes: "d" });
  const x = tf.tensor3d([[[1, 2], [3, 4]]]); // [1, 2, 2]
  layer.apply(x).dispose();
  const kernel = tf.tensor2d([[1, -1], [0.5, 2]]);
  const bias = tf.tensor1d([10, 20]);
  layer.setWeights([kernel, bias]);
  const y = layer.apply(x);
  // [1, 2]·K = [2, 3]; [3, 4]·K = [5, 5]; + bias.
  assert.deepEqual(y.arraySync(), [[[12, 23], [15, 25]]]);
  tf.dispose([x, kernel, bias, y]);
  layer.dispose();
});

Deno.test("EinsumDense's Glorot kernel takes its fans from the input and output axes (Keras 3.15)", () => {
  const layer = new EinsumDense("abc,cde->abde", [null, 4, 16]);
  const x = tf.zeros([1, 1, 64]);
  layer.apply(x).dispose();
  const max = Math.max(...Array.from(layer.kernel!.dataSync(), Math.abs));
  // Fans 64 and 4·16: limit √(6 / 128) ≈ 0.217 (the old rank-3 rule gave √(6 / (256 + 1024)) ≈ 0.068).
  assert.ok(max <= Math.sqrt(6 / 128) && max > 0.2, `max |kernel| ${max}`);
  x.dispose();
  layer.dispose();
});

Deno.test("einsum (reshape, transpose, matMul) equals tf.einsum, with gradients on every form", () => {
  const before = tf.memory().numTensors;
  const cases: [string, number[], number[]][] = [
    ["abc,cde->abde", [2, 3, 4], [4, 2, 5]],
    ["ab,bc->ac", [2, 4], [4, 3]],
    ["abcd,cde->abe", [2, 3, 2, 5], [2, 5, 7]],
    ["aecd,abcd->acbe", [2, 4, 2, 5], [2, 3, 2, 5]],
    ["acbe,aecd->abcd", [2, 2, 3, 4], [2, 4, 2, 5]],
    ["abcde,dfe->abcf", [2, 3, 4, 5, 6], [5, 7, 6]],
    ["ab,cb->ac", [3, 4], [5, 4]],
    ["ba,bc->ac", [4, 3], [4, 5]],
  ];
  for (const [equation, sa, sb] of cases) {
    tf.tidy(() => {
      const a = distinctInput(sa, 1);
      const b = distinctInput(sb, 2);
      const got = einsum(equation, a, b);
      const want = tf.einsum(equation, a, b);
      assert.deepEqual(got.shape, want.shape, equation);
      const diff = tf.max(tf.abs(tf.sub(got, want))).dataSync()[0];
      assert.ok(diff < 1e-4 * tf.max(tf.abs(want)).dataSync()[0], `${equation}: ${diff}`);
      // Gradients of Σ einsum·p against those of the broadcast-multiply-and-sum einsum.
      const p = distinctInput(want.shape, 3);
      const grads = (f: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) =>
        tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(f(x, y), p)))([a, b]);
      const mine = grads((x, y) => einsum(equation, x, y));
      const plain = grads((x, y) => broadcastEinsum(equation, x, y));
      mine.forEach((g, i) => {
        const err = tf.max(tf.abs(tf.sub(g, plain[i]))).dataSync()[0];
        assert.ok(err < 1e-4 * tf.max(tf.abs(plain[i])).dataSync()[0], `${equation} grad ${i}`);
      });
    });
  }
  assert.equal(tf.memory().numTensors, before);
  // tf.einsum has no gradient at all, which is why kerno has its own.
  const ones = tf.ones([2, 2]);
  const noGrad = () => tf.grad((x: tf.Tensor) => tf.sum(tf.einsum("ab,bc->ac", x, x)))(ones);
  assert.throws(() => tf.tidy(noGrad), /gradient function not found for Einsum/);
  ones.dispose();
});

/** einsum by broadcasting both operands over all letters, multiplying, and summing. */
function broadcastEinsum(equation: string, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const [inputs, out] = equation.split("->");
  const [la, lb] = inputs.split(",");
  const all = [...new Set([...la, ...lb])];
  const spread = (t: tf.Tensor, letters: string) => {
    const present = all.filter((c) => letters.includes(c));
    const moved = tf.transpose(t, present.map((c) => letters.indexOf(c)));
    return tf.reshape(
      moved,
      all.map((c) => (letters.includes(c) ? t.shape[letters.indexOf(c)] : 1)),
    );
  };
  const product = tf.mul(spread(a, la), spread(b, lb));
  const summed = all.flatMap((c, i) => (out.includes(c) ? [] : [i]));
  const reduced = summed.length > 0 ? tf.sum(product, summed) : product;
  const kept = all.filter((c) => out.includes(c));
  return tf.transpose(reduced, [...out].map((c) => kept.indexOf(c)));
}

Deno.test("EinsumDense refuses bad equations, bias axes and shapes, naming the layer", () => {
  assert.throws(
    () => new EinsumDense("ab->b", 3),
    /Cannot build EinsumDense as "equation" must be/,
  );
  assert.throws(() => new EinsumDense("ab,bc->ac", 3, { biasAxes: "1" }), /"biasAxes" must be/);
  assert.throws(() => new EinsumDense("ab,bc->ac", 0), /"outputShape" must be/);
  const x = tf.zeros([2, 3]);
  assert.throws(
    () => new EinsumDense("ab,bc->ac", 3, { biasAxes: "x", name: "proj" }).apply(x),
    /Cannot build proj \(EinsumDense\) on input \[null,3\] as bias axis "x" is not in the output "ac"/,
  );
  const x3 = tf.zeros([2, 3, 6]);
  assert.throws(
    () => new EinsumDense("abc,cd->abd", [5, 4]).apply(x3),
    /the input and output shapes differ at shared axis "b": the input has 3, "outputShape" 5/,
  );
  assert.throws(
    () => new EinsumDense("ab,bc->ac", [2, 3]).apply(x),
    /"outputShape" \[2,3\] must have 1 sizes/,
  );
  assert.throws(
    () => new EinsumDense("ab,bc->ac", 3).apply(x3),
    /the equation's input "ab" has 2 axes: received an input of rank 3/,
  );
  tf.dispose([x, x3]);
});
