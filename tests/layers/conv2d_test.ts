import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { Conv2D } from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

Deno.test("Conv2D passes the shared layer check", () => {
  // kernel 3·3·2·4 = 72, bias 4
  checkLayer({
    make: () => new Conv2D(4, 3),
    cls: Conv2D,
    inputShape: [2, 5, 5, 2],
    outputShape: [2, 3, 3, 4],
    weights: 2,
    params: 76,
  });
  // 'same', strides 2, no bias, tanh: kernel 2·3·2·3 = 36
  checkLayer({
    make: () =>
      new Conv2D(3, [2, 3], { strides: 2, padding: "same", useBias: false, activation: "tanh" }),
    cls: Conv2D,
    inputShape: [1, 5, 4, 2],
    outputShape: [1, 3, 2, 3],
    weights: 1,
    params: 36,
  });
  // dilation 2: span 5 → 6 - 5 + 1 = 2
  checkLayer({
    make: () => new Conv2D(2, 3, { dilationRate: 2 }),
    cls: Conv2D,
    inputShape: [1, 6, 6, 1],
    outputShape: [1, 2, 2, 2],
    weights: 2,
    params: 20,
  });
});

Deno.test("Conv2D counts 320 parameters for 3x3x1 → 32", () => {
  const x = tf.zeros([1, 28, 28, 1]);
  const conv = new Conv2D(32, 3, { activation: "relu" });
  const y = conv.apply(x);
  assert.deepEqual(y.shape, [1, 26, 26, 32]);
  assert.equal(conv.countParams(), 3 * 3 * 1 * 32 + 32);
  assert.deepEqual(conv.kernel!.shape, [3, 3, 1, 32]);
  tf.dispose([x, y]);
  conv.dispose();
});

Deno.test("Conv2D 'same' and 'valid' shapes with strides", () => {
  // input 7x7: valid k3 s1 → 5; valid k3 s2 → ceil(5/2) = 3; same s1 → 7; same s2 → ceil(7/2) = 4
  const cases: [Record<string, unknown>, number[]][] = [
    [{ padding: "valid", strides: 1 }, [5, 5]],
    [{ padding: "valid", strides: 2 }, [3, 3]],
    [{ padding: "same", strides: 1 }, [7, 7]],
    [{ padding: "same", strides: 2 }, [4, 4]],
    [{ padding: "valid", strides: [1, 2] }, [5, 3]],
    [{ padding: "SAME", strides: 3 }, [3, 3]],
  ];
  const x = tf.zeros([2, 7, 7, 1]);
  for (const [options, [h, w]] of cases) {
    const conv = new Conv2D(2, 3, options);
    const y = conv.apply(x);
    assert.deepEqual(y.shape, [2, h, w, 2], JSON.stringify(options));
    assert.deepEqual(conv.computeOutputShape([null, 7, 7, 1]), [null, h, w, 2]);
    y.dispose();
    conv.dispose();
  }
  x.dispose();
});

Deno.test("Conv2D computes hand-derived window sums", () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  const valid = new Conv2D(1, 2, { kernelInitializer: "ones", biasInitializer: "ones" });
  const y = valid.apply(x);
  // 2x2 windows of [[1,2,3],[4,5,6],[7,8,9]], plus bias 1
  assert.deepEqual(y.arraySync(), [[[[13], [17]], [[25], [29]]]]);
  const same = new Conv2D(1, 3, { padding: "same", kernelInitializer: "ones", useBias: false });
  const z = same.apply(x);
  // zero-padded 3x3 sums: corners 1+2+4+5=12, centre 45, …
  assert.deepEqual(z.arraySync(), [[[[12], [21], [16]], [[27], [45], [33]], [[24], [39], [28]]]]);
  tf.dispose([x, y, z]);
  valid.dispose();
  same.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Conv2D rejects bad options and inputs", () => {
  assert.throws(() => new Conv2D(0, 3), /"filters" must be a positive integer: received 0/);
  assert.throws(() => new Conv2D(2, [3]), RangeError);
  assert.throws(() => new Conv2D(2, "3" as unknown as number), TypeError);
  assert.throws(() => new Conv2D(2, 3, { padding: "causal" }), RangeError);
  assert.throws(() => new Conv2D(2, 3, { strides: 2, dilationRate: 2 }), RangeError);
  assert.throws(() => new Conv2D(2, 3, { activation: "nope" }), TypeError);
  assert.throws(() => new Conv2D(2, 3, { useBias: 1 as unknown as boolean }), TypeError);
  assert.throws(() => new Conv2D(2, 3, { kernelInitializer: "nope" }), TypeError);
  const x = tf.zeros([2, 5, 5]);
  assert.throws(() => new Conv2D(2, 3).apply(x), /must have rank 4/);
  x.dispose();
});

/** Keras's "subclassing conv layers" recipe: the subclass's own convolution (here: a doubled kernel). */
class DoubledConv2D extends Conv2D {
  protected override convolve(inputs: tf.Tensor): tf.Tensor {
    return tf.conv2d(
      inputs as tf.Tensor4D,
      tf.mul(this.effectiveKernel(), 2) as tf.Tensor4D,
      this.strides as [number, number],
      this.padding as "valid" | "same",
    );
  }
}

Deno.test("Conv2D runs a subclass's own convolve while training too (no fused path bypasses it)", async () => {
  const { setBackend, getBackend } = await import("../../backend/mod.ts");
  const previous = getBackend();
  for (const backend of ["kerno", "cpu"]) {
    await setBackend(backend);
    const before = tf.memory().numTensors;
    const x = tf.randomUniform([2, 6, 6, 3], -1, 1, "float32", 3);
    for (const activation of ["relu", "linear"]) {
      const plain = new Conv2D(4, 3, { activation, biasInitializer: "ones" });
      const doubled = new DoubledConv2D(4, 3, { activation, biasInitializer: "ones" });
      plain.apply(x).dispose();
      doubled.apply(x).dispose();
      const [k0, bias] = plain.getWeights();
      const kernel = tf.mul(k0, 0.5);
      doubled.setWeights([kernel, bias]); // 2 · (kernel / 2) = plain's kernel
      const inference = tf.tidy(() => doubled.apply(x));
      let taped: tf.Tensor | null = null;
      tf.grads((input: tf.Tensor) => {
        taped = tf.keep(doubled.apply(input, { training: true }));
        return tf.sum(taped);
      })([x]).forEach((g) => g.dispose());
      const want = tf.tidy(() => plain.apply(x));
      const diff = (a: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, want))).dataSync()[0]);
      assert.ok(diff(inference) < 1e-5, `${backend} ${activation}: inference`);
      assert.ok(diff(taped!) < 1e-5, `${backend} ${activation}: taped`);
      tf.dispose([k0, kernel, bias, inference, taped!, want]);
      plain.dispose();
      doubled.dispose();
    }
    x.dispose();
    assert.equal(tf.memory().numTensors, before);
  }
  await setBackend(previous);
});
