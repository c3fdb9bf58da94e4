/**
 * Host values reach the GPU as queued writes on the `webgpu` backend
 * (`backend/webgpu/queued_uploads.ts`): no buffer mapped at creation, the
 * values arrive whole for every dtype, and a pooled buffer written again
 * while earlier commands still wait in the queue gives each command its own
 * values. Skipped, with one printed line saying why, without an adapter.
 */
import assert from "node:assert/strict";
import { setBackend, tf } from "../../mod.ts";
import { hasQueuedUploads } from "../../backend/webgpu/queued_uploads.ts";
import { webgpuTests } from "./_helpers.ts";

const { skip } = await webgpuTests("the WebGPU upload tests");

/** Above TensorFlow.js's 1000-element threshold, under which small ops run on the CPU. */
const SIZE = 4096;

/** Counts the buffers created mapped (TensorFlow.js's own upload makes one per upload). */
function countMappedBuffers(): { count: () => number; restore: () => void } {
  const proto = GPUDevice.prototype;
  const original = proto.createBuffer;
  let mapped = 0;
  proto.createBuffer = function (this: GPUDevice, descriptor: GPUBufferDescriptor) {
    if (descriptor.mappedAtCreation) mapped++;
    return original.call(this, descriptor);
  };
  return { count: () => mapped, restore: () => proto.createBuffer = original };
}

Deno.test({
  name: "webgpu uploads float32, int32 and bool values whole, through the queue",
  ignore: skip,
  async fn() {
    await setBackend("webgpu");
    assert.ok(hasQueuedUploads(tf.backend()), "the upload is not installed on the backend");
    const before = tf.memory().numTensors;
    const watch = countMappedBuffers();
    try {
      const floats = Float32Array.from({ length: SIZE }, (_, i) => i / 8 - 100);
      const ints = Int32Array.from({ length: SIZE }, (_, i) => i * 3 - 5000);
      const bools = Uint8Array.from({ length: SIZE }, (_, i) => (i % 3 === 0 ? 1 : 0));
      const [sum, flipped, doubled] = tf.tidy(() => {
        const n = tf.tensor1d(ints, "int32");
        return [
          tf.add(tf.tensor1d(floats), tf.cast(n, "float32")),
          tf.logicalNot(tf.tensor1d(bools, "bool")),
          tf.mul(n, tf.scalar(2, "int32")),
        ];
      });
      const [s, l, d] = await Promise.all([sum.data(), flipped.data(), doubled.data()]);
      for (let i = 0; i < SIZE; i++) {
        assert.equal(s[i], i / 8 - 100 + (i * 3 - 5000), `sum[${i}]`);
        assert.equal(l[i], i % 3 === 0 ? 0 : 1, `not[${i}]`);
        assert.equal(d[i], 2 * (i * 3 - 5000), `doubled[${i}]`);
      }
      tf.dispose([sum, flipped, doubled]);
      assert.equal(watch.count(), 0, "an upload created a buffer mapped at creation");
    } finally {
      watch.restore();
    }
    assert.equal(tf.memory().numTensors, before);
  },
});

Deno.test({
  name: "webgpu: a pooled buffer written again gives each queued command its own values",
  ignore: skip,
  async fn() {
    await setBackend("webgpu");
    const before = tf.memory().numTensors;
    const results: tf.Tensor[] = [];
    // Each round uploads new values, records a command reading them and frees the input at
    // once, so the next round's upload takes a buffer from the pool while the commands wait.
    for (let round = 0; round < 120; round++) {
      const input = tf.tensor1d(Float32Array.from({ length: SIZE }, (_, i) => round * 1000 + i));
      results.push(tf.mul(input, 2));
      input.dispose();
      if (round % 40 === 39) await results[round].data(); // submits part way through
    }
    const values = await Promise.all(results.map((r) => r.data()));
    values.forEach((v, round) => {
      for (const i of [0, 1, SIZE / 2, SIZE - 1]) {
        assert.equal(v[i], 2 * (round * 1000 + i), `round ${round}, element ${i}`);
      }
    });
    tf.dispose(results);
    assert.equal(tf.memory().numTensors, before);
  },
});
