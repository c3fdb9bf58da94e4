/**
 * Keras-style `addWeight({ shape, initializer, name, trainable })`,
 * tracking of `tf.Variable` fields, and `null` dimensions in `inputShape`.
 */
import assert from "node:assert/strict";
import { Layer, layers, Model, Sequential, tf } from "../../mod.ts";

class KerasStyle extends Layer {
  w!: tf.Variable;
  b!: tf.Variable;
  frozen!: tf.Variable;
  override build(inputShape: (number | null)[]): void {
    this.w = this.addWeight({
      shape: [inputShape[inputShape.length - 1]!, 2],
      initializer: "ones",
      name: "w",
      trainable: true,
    });
    this.b = this.addWeight({ shape: [2], initializer: "zeros" }); // name: "variable"
    this.frozen = this.addWeight({ initializer: "ones", trainable: false }); // a scalar
  }
  override call(x: tf.Tensor): tf.Tensor {
    return tf.add(tf.mul(tf.matMul(x as tf.Tensor2D, this.w), this.frozen), this.b);
  }
}

Deno.test("Layer.addWeight takes Keras's form { shape, initializer, name, trainable }", () => {
  const layer = new KerasStyle();
  const y = layer.apply(tf.ones([3, 4]));
  assert.deepEqual(y.shape, [3, 2]);
  assert.deepEqual(Array.from(y.dataSync()), [4, 4, 4, 4, 4, 4]);
  assert.deepEqual(layer.namedWeights.map((w) => w.name), ["w", "variable", "variable_1"]);
  assert.deepEqual(layer.frozen.shape, []);
  assert.deepEqual(layer.trainableWeights, [layer.w, layer.b]);
  assert.deepEqual(layer.nonTrainableWeights, [layer.frozen]);
  y.dispose();
  layer.dispose();
});

Deno.test("Layer.addWeight refuses a call that fits neither form, saying how to call it", () => {
  class Bad extends Layer {
    constructor(readonly args: unknown[]) {
      super();
    }
    override build(): void {
      (this.addWeight as (...a: unknown[]) => unknown)(...this.args);
    }
    override call(x: tf.Tensor): tf.Tensor {
      return x;
    }
  }
  const cases: [unknown[], RegExp][] = [
    [[[3, 4]], /fit neither addWeight\(name, shape, options\) or addWeight\(\{ shape/],
    [["w"], /"shape" must be an array of non-negative integers: received undefined/],
    [[{ shape: [2.5] }], /"shape" must be an array of non-negative integers: received \[2.5\]/],
    [[{ shape: [2], initialiser: "ones" }], /"initialiser" is not an option/],
    [[{ shape: [2] }, [3]], /fit neither/],
  ];
  for (const [args, message] of cases) {
    const x = tf.ones([1, 2]);
    assert.throws(
      () => new Bad(args).apply(x),
      (e: Error) => e instanceof TypeError && message.test(e.message),
    );
    x.dispose();
  }
});

class Scaled extends Layer {
  scale = tf.variable(tf.scalar(0.135), true);
  offsets = [tf.variable(tf.zeros([2]), false)];
  override call(x: tf.Tensor): tf.Tensor {
    return tf.add(tf.mul(x, this.scale), this.offsets[0]);
  }
}

Deno.test("a tf.Variable assigned to a layer field is tracked as its weight", () => {
  const layer = new Scaled();
  assert.deepEqual(layer.namedWeights.map((w) => w.name), ["scale", "offsets_0"]);
  assert.deepEqual(layer.weights, [layer.scale, layer.offsets[0]]);
  assert.deepEqual(layer.trainableWeights, [layer.scale]);
  assert.deepEqual(layer.nonTrainableWeights, [layer.offsets[0]]);
  // gradients reach it, as for any trainable weight
  const x = tf.ones([1, 2]);
  const { grads } = tf.variableGrads(() => tf.sum(layer.apply(x)), layer.trainableWeights);
  assert.equal(grads[layer.scale.name].dataSync()[0], 2);
  tf.dispose([x, ...Object.values(grads)]);
  layer.dispose();
});

Deno.test("a tf.Variable field of a model is trained by fit, and layer weights held as fields are not counted twice", async () => {
  class Affine extends Model {
    dense = new layers.Dense(1, { kernelInitializer: "zeros" });
    shift = tf.variable(tf.scalar(0));
    kernelAlias: tf.Variable | null = null; // another field holding a layer's weight
    override call(x: tf.Tensor): tf.Tensor {
      const y = tf.add(this.dense.apply(x), this.shift);
      this.kernelAlias = this.dense.kernel;
      return y;
    }
  }
  const model = new Affine();
  model.compile({ optimizer: "sgd", loss: "mse" });
  const x = tf.ones([4, 1]);
  const y = tf.fill([4, 1], 2);
  await model.fit(x, y, { epochs: 3, verbose: 0 });
  assert.equal(model.weights.length, 3); // kernel, bias, shift
  assert.ok(model.trainableWeights.includes(model.shift));
  assert.notEqual(model.shift.dataSync()[0], 0);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("inputShape takes null for a dimension of unknown size, as Keras", () => {
  const model = new Sequential([
    new layers.Conv1D(4, 3, { inputShape: [null, 3], padding: "same" }),
    new layers.GlobalAveragePooling1D(),
    new layers.Dense(1),
  ]);
  assert.deepEqual(model.layers[0].batchInputShape, [null, null, 3]);
  for (const steps of [5, 9]) {
    const y = model.predict(tf.ones([2, steps, 3]));
    assert.deepEqual(y.shape, [2, 1]);
    y.dispose();
  }
  assert.throws(
    () => model.predict(tf.ones([2, 5, 4])),
    /expected \(None, None, 3\), received \(None, 5, 4\)/,
  );
  assert.throws(
    () => new layers.Dense(1, { inputShape: [null, 0] }),
    /"inputShape" must be an array of positive integers or null/,
  );
  model.dispose();
});
