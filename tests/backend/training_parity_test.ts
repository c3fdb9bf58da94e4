import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { assertClose, randomValues } from "./_helpers.ts";

type Workload = {
  weights: () => tf.Variable[];
  loss: (w: tf.Variable[]) => tf.Scalar;
};

function v(shape: number[], seed: number, scale = 0.3): tf.Variable {
  const n = shape.reduce((p, d) => p * d, 1);
  const init = tf.tensor(randomValues(n, seed).map((x) => x * scale), shape);
  const variable = tf.variable(init);
  init.dispose();
  return variable;
}

function mlp(): Workload {
  const x = () => tf.tensor(randomValues(16 * 20, 1), [16, 20]);
  const labels = () =>
    tf.oneHot(tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 5), "int32"), 5);
  return {
    weights: () => [v([20, 12], 2), v([12], 3), v([12, 5], 4), v([5], 5)],
    loss: ([w1, b1, w2, b2]) => {
      const h = tf.fused.matMul({ a: x(), b: w1, bias: b1, activation: "relu" });
      return tf.losses.softmaxCrossEntropy(labels(), tf.add(tf.matMul(h, w2), b2)) as tf.Scalar;
    },
  };
}

function cnn(): Workload {
  const x = () => tf.tensor(randomValues(4 * 9 * 9 * 2, 6), [4, 9, 9, 2]) as tf.Tensor4D;
  const labels = () => tf.oneHot(tf.tensor1d([0, 1, 2, 1], "int32"), 3);
  return {
    weights: () => [v([3, 3, 2, 4], 7), v([4], 8), v([3 * 3 * 4, 3], 9), v([3], 10)],
    loss: ([k, kb, w, b]) => {
      const c = tf.relu(tf.add(tf.conv2d(x(), k as tf.Tensor4D, 1, "valid"), kb));
      const p = tf.maxPool(c as tf.Tensor4D, 2, 2, "valid");
      const logits = tf.add(tf.matMul(tf.reshape(p, [4, -1]), w), b);
      return tf.losses.softmaxCrossEntropy(labels(), logits) as tf.Scalar;
    },
  };
}

function embedding(): Workload {
  const ids = () => tf.tensor2d([[1, 5, 9], [0, 0, 3], [9, 8, 7], [2, 5, 1]], [4, 3], "int32");
  const y = () => tf.tensor2d([[1], [0], [1], [0]]);
  return {
    weights: () => [v([10, 4], 11), v([12, 1], 12), v([1], 13)],
    loss: ([table, w, b]) => {
      const e = tf.reshape(tf.gather(table, ids()), [4, 12]);
      const logits = tf.add(tf.matMul(e, w), b);
      return tf.losses.sigmoidCrossEntropy(y(), logits) as tf.Scalar;
    },
  };
}

async function train(
  backend: string,
  make: () => Workload,
): Promise<{ losses: number[]; final: number[] }> {
  await tf.setBackend(backend);
  const workload = make();
  const weights = workload.weights();
  const optimizer = tf.train.adam(0.05);
  const losses: number[] = [];
  try {
    for (let step = 0; step < 5; step++) {
      const loss = optimizer.minimize(() => workload.loss(weights), true, weights);
      losses.push(loss!.dataSync()[0]);
      loss!.dispose();
    }
    return { losses, final: weights.flatMap((w) => Array.from(w.dataSync())) };
  } finally {
    optimizer.dispose();
    tf.dispose(weights);
    await tf.setBackend("cpu");
  }
}

for (const [name, make] of [["mlp", mlp], ["cnn", cnn], ["embedding", embedding]] as const) {
  Deno.test(`KernoBackend trains the ${name} workload step for step like cpu`, async () => {
    const before = tf.memory().numTensors;
    const cpu = await train("cpu", make);
    const kerno = await train("kerno", make);
    assertClose(kerno.losses, cpu.losses, 1e-4, "losses");
    assertClose(kerno.final, cpu.final, 1e-4, "trained weights");
    assert.ok(cpu.losses[4] < cpu.losses[0], "the loss decreases");
    assert.equal(tf.memory().numTensors, before);
  });
}
