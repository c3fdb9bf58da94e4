/**
 * A layer's overridable hooks are what every path computes: inference,
 * taped (training) forward passes, `fit`, `evaluate` and `predict`, on the
 * kerno backend (whose fused paths must step aside) and on cpu.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import type { CallOptions } from "../../engine/layer.ts";
import {
  BatchNormalization,
  Conv1D,
  Conv2D,
  Dense,
  Embedding,
  Flatten,
  MaxPooling2D,
} from "../../layers/mod.ts";
import { Sequential } from "../../engine/sequential.ts";
import { getBackend, setBackend } from "../../backend/mod.ts";
import { SGD } from "../../optimizers/mod.ts";

const BACKENDS = ["kerno", "cpu"];

/** Runs `fn` on each backend, checking for leaked tensors, and restores the backend. */
async function onEachBackend(fn: (backend: string) => void | Promise<void>): Promise<void> {
  const previous = getBackend();
  try {
    for (const backend of BACKENDS) {
      await setBackend(backend);
      const before = tf.memory().numTensors;
      await fn(backend);
      assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
    }
  } finally {
    await setBackend(previous);
  }
}

/** The layer's output untaped and inside a gradient tape (as `fit` runs it). */
function untapedAndTaped(
  layer: { apply(x: tf.Tensor, o?: CallOptions): tf.Tensor },
  x: tf.Tensor,
  training = true,
): [tf.Tensor, tf.Tensor] {
  const untaped = tf.tidy(() => layer.apply(x, { training }));
  let taped: tf.Tensor | null = null;
  const grads = tf.grads((input: tf.Tensor) => {
    const input32 = x.dtype === "int32" ? x : input;
    taped = tf.keep(layer.apply(input32, { training }));
    return tf.sum(tf.mul(taped, 1));
  })([x.dtype === "int32" ? tf.cast(x, "float32") : x]);
  tf.dispose(grads);
  return [untaped, taped!];
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** Keras's weight standardization (the keras.io "subclassing conv layers" recipe). */
function standardize(kernel: tf.Tensor): tf.Tensor {
  const axes = kernel.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(kernel, axes, true);
  return tf.div(tf.sub(kernel, mean), tf.sqrt(tf.add(variance, 1e-10)));
}

class StandardizedConv2D extends Conv2D {
  override convolutionOp(inputs: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return super.convolutionOp(inputs, standardize(kernel));
  }
}

class StandardizedConv1D extends Conv1D {
  override convolutionOp(inputs: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return super.convolutionOp(inputs, standardize(kernel));
  }
}

/** Checks a conv subclass against the plain layer holding the standardized kernel. */
function checkStandardized(
  backend: string,
  make: (custom: boolean, activation: string) => Conv1D | Conv2D,
  x: tf.Tensor,
): void {
  for (const activation of ["relu", "linear"]) {
    const custom = make(true, activation);
    const plain = make(false, activation);
    custom.apply(x).dispose();
    plain.apply(x).dispose();
    const [kernel, bias] = custom.getWeights();
    const std = tf.tidy(() => standardize(kernel));
    plain.setWeights([std, bias]);
    const want = tf.tidy(() => plain.apply(x));
    const [untaped, taped] = untapedAndTaped(custom, x);
    const what = `${backend} ${custom.constructor.name} ${activation}`;
    assert.ok(maxDiff(untaped, want) < 1e-4, `${what}: inference runs convolutionOp`);
    assert.ok(maxDiff(taped, untaped) < 1e-4, `${what}: taped equals untaped`);
    tf.dispose([kernel, bias, std, want, untaped, taped]);
    custom.dispose();
    plain.dispose();
  }
}

Deno.test("Conv2D runs a subclass's convolutionOp taped and untaped, on kerno and cpu", async () => {
  await onEachBackend((backend) => {
    const x = tf.randomUniform([2, 7, 7, 3], -1, 1, "float32", 5);
    const options = (activation: string) => ({ activation, biasInitializer: "ones" as const });
    checkStandardized(
      backend,
      (custom, a) =>
        custom ? new StandardizedConv2D(4, 3, options(a)) : new Conv2D(4, 3, options(a)),
      x,
    );
    // strides, "same" padding and dilation go through super.convolutionOp too
    const dilated = (a: string) => ({ ...options(a), padding: "same" as const, dilationRate: 2 });
    checkStandardized(
      backend,
      (custom, a) =>
        custom ? new StandardizedConv2D(4, 3, dilated(a)) : new Conv2D(4, 3, dilated(a)),
      x,
    );
    x.dispose();
  });
});

Deno.test("Conv1D runs a subclass's convolutionOp taped and untaped, on kerno and cpu", async () => {
  await onEachBackend((backend) => {
    const x = tf.randomUniform([2, 9, 3], -1, 1, "float32", 6);
    const options = (activation: string) => ({
      activation,
      padding: "causal" as const,
      biasInitializer: "ones" as const,
    });
    checkStandardized(
      backend,
      (custom, a) =>
        custom ? new StandardizedConv1D(4, 3, options(a)) : new Conv1D(4, 3, options(a)),
      x,
    );
    x.dispose();
  });
});

Deno.test("Conv2D's convolutionOp is its convolution: the default equals tf.conv2d", () => {
  const x = tf.randomUniform([1, 5, 5, 2], -1, 1, "float32", 7);
  const conv = new Conv2D(3, 2, { useBias: false });
  const y = conv.apply(x);
  const k = conv.getWeights()[0];
  const direct = tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, "valid");
  const viaHook = conv.convolutionOp(x, k);
  assert.ok(maxDiff(y, direct) < 1e-5);
  assert.ok(maxDiff(viaHook, direct) < 1e-5);
  tf.dispose([x, y, k, direct, viaHook]);
  conv.dispose();
});

/** Doubles the kernel inside its own call: the fused dense path must not replace it. */
class DoubledDense extends Dense {
  override call(inputs: tf.Tensor): tf.Tensor {
    return tf.relu(tf.add(tf.matMul(inputs as tf.Tensor2D, tf.mul(this.kernel!, 2)), this.bias!));
  }
}

Deno.test("Dense runs a subclass's call taped and untaped, on kerno and cpu", async () => {
  await onEachBackend((backend) => {
    const x = tf.randomUniform([4, 5], -1, 1, "float32", 8);
    const custom = new DoubledDense(3, { activation: "relu", biasInitializer: "ones" });
    const plain = new Dense(3, { activation: "relu", biasInitializer: "ones" });
    custom.apply(x).dispose();
    plain.apply(x).dispose();
    const [k, b] = custom.getWeights();
    const k2 = tf.mul(k, 2);
    plain.setWeights([k2, b]);
    const want = tf.tidy(() => plain.apply(x));
    const [untaped, taped] = untapedAndTaped(custom, x);
    assert.ok(maxDiff(untaped, want) < 1e-5, `${backend}: inference runs call`);
    assert.ok(maxDiff(taped, want) < 1e-5, `${backend}: taped runs call`);
    tf.dispose([x, k, b, k2, want, untaped, taped]);
    custom.dispose();
    plain.dispose();
  });
});

/** Min pooling: the fused max-pool path must not replace it. */
class MinPooling2D extends MaxPooling2D {
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    return tf.neg(super.call(tf.neg(inputs), options));
  }
}

Deno.test("MaxPooling2D runs a subclass's call taped and untaped, on kerno and cpu", async () => {
  await onEachBackend((backend) => {
    const x = tf.randomUniform([2, 4, 4, 3], -1, 1, "float32", 9);
    const want = tf.tidy(() => tf.neg(tf.maxPool(tf.neg(x) as tf.Tensor4D, 2, 2, "valid")));
    const [untaped, taped] = untapedAndTaped(new MinPooling2D(), x);
    assert.ok(maxDiff(untaped, want) < 1e-6, `${backend}: inference runs call`);
    assert.ok(maxDiff(taped, want) < 1e-6, `${backend}: taped runs call`);
    tf.dispose([x, want, untaped, taped]);
  });
});

/** Scales the looked-up rows: the fused gather gradient must not bypass it. */
class ScaledEmbedding extends Embedding {
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    return tf.mul(super.call(inputs, options), 3);
  }
}

Deno.test("Embedding runs a subclass's call taped and untaped, on kerno and cpu", async () => {
  await onEachBackend((backend) => {
    const ids = tf.tensor2d([[1, 2, 0], [3, 3, 1]], [2, 3], "int32");
    const layer = new ScaledEmbedding(5, 4);
    const untaped = layer.apply(ids);
    const want = tf.tidy(() => tf.mul(tf.gather(layer.embeddings!, ids), 3));
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(layer.apply(ids, { training: true }), want)),
      [layer.embeddings!],
    );
    const taped = tf.tidy(() => tf.sum(tf.mul(untaped, want)));
    assert.ok(Math.abs(value.dataSync()[0] - taped.dataSync()[0]) < 1e-4, `${backend}: taped`);
    assert.ok(maxDiff(untaped, want) < 1e-6, `${backend}: inference runs call`);
    tf.dispose([ids, untaped, want, value, taped, ...Object.values(grads)]);
    layer.dispose();
  });
});

/** Halves the normalized output. */
class HalfBatchNormalization extends BatchNormalization {
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    return tf.mul(super.call(inputs, options), 0.5);
  }
}

Deno.test("BatchNormalization runs a subclass's call taped and untaped, on kerno and cpu", async () => {
  await onEachBackend((backend) => {
    const x = tf.randomUniform([6, 4], -1, 1, "float32", 10);
    const custom = new HalfBatchNormalization();
    const plain = new BatchNormalization();
    // inference mode (moving statistics): a tape changes nothing
    const want = tf.tidy(() => tf.mul(plain.apply(x), 0.5));
    const [untaped, taped] = untapedAndTaped(custom, x, false);
    assert.ok(maxDiff(untaped, want) < 1e-6, `${backend}: inference runs call`);
    assert.ok(maxDiff(taped, want) < 1e-6, `${backend}: taped runs call`);
    tf.dispose([x, want, untaped, taped]);
    custom.dispose();
    plain.dispose();
  });
});

Deno.test("fit, evaluate and predict all run an overridden convolutionOp, on kerno and cpu", async () => {
  await onEachBackend(async (backend) => {
    for (const activation of ["relu", "linear"]) {
      const x = tf.randomUniform([8, 7, 7, 3], -1, 1, "float32", 11);
      const y = tf.randomUniform([8, 1], -1, 1, "float32", 12);
      const make = (conv: Conv2D) => {
        const model = new Sequential([conv, new Flatten(), new Dense(1)]);
        model.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: "mse" });
        return model;
      };
      const options = { activation, biasInitializer: "ones" as const, inputShape: [7, 7, 3] };
      const custom = make(new StandardizedConv2D(4, 3, options));
      const twin = make(new Conv2D(4, 3, options)); // holds the standardized kernel itself
      const weights = custom.getWeights();
      const std = tf.tidy(() => standardize(weights[0]));
      twin.setWeights([std, ...weights.slice(1)]);
      const want = (await twin.evaluate(x, y, { batchSize: 8, verbose: 0 })).loss;
      const wantPredicted = twin.predict(x, { batchSize: 8 });
      const evaluated = (await custom.evaluate(x, y, { batchSize: 8, verbose: 0 })).loss;
      const predicted = custom.predict(x, { batchSize: 8 });
      const trained = custom.trainOnBatch(x, y).loss; // the taped loss, before the update
      const what = `${backend} ${activation}`;
      assert.ok(Math.abs(evaluated - want) < 1e-4, `${what}: evaluate ${evaluated} vs ${want}`);
      assert.ok(Math.abs(trained - want) < 1e-4, `${what}: fit's loss ${trained} vs ${want}`);
      assert.ok(maxDiff(predicted, wantPredicted) < 1e-4, `${what}: predict`);
      tf.dispose([x, y, std, predicted, wantPredicted, ...weights]);
      custom.dispose();
      twin.dispose();
    }
  });
});
