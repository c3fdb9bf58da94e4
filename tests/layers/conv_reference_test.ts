/**
 * The transposed, grouped and 3-D convolutions against PyTorch
 * (`tools/torch_conv_reference.py`, `_conv_reference.ts`): outputs and the
 * gradients of the input, the kernel and the bias, with Keras's layouts and
 * "same" placement, odd sizes, strides, dilations, output padding and both
 * data formats, on TensorFlow.js's `cpu` backend (the plain definitions) and
 * on kerno's.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { layers } from "../../mod.ts";
import { getBackend, setBackend } from "../../backend/mod.ts";
import { CONV_REFERENCE, type ConvReferenceCase } from "./_conv_reference.ts";

/** float32-rounded `scale · sin(step · i + phase)`: the script's `values`. */
function values(n: number, scale: number, step: number, phase: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.fround(scale * Math.sin(step * i + phase));
  return out;
}

const CLASSES = {
  Conv1D: layers.Conv1D,
  Conv2D: layers.Conv2D,
  Conv3D: layers.Conv3D,
  Conv1DTranspose: layers.Conv1DTranspose,
  Conv2DTranspose: layers.Conv2DTranspose,
  Conv3DTranspose: layers.Conv3DTranspose,
} as const;

function assertNear(got: ArrayLike<number>, want: number[], what: string, tol = 1e-4): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let scale = 1;
  for (const w of want) scale = Math.max(scale, Math.abs(w));
  for (let i = 0; i < want.length; i++) {
    const ok = Math.abs(got[i] - want[i]) <= tol * scale;
    assert.ok(ok, `${what}[${i}]: got ${got[i]}, PyTorch ${want[i]}`);
  }
}

function runCase(c: ConvReferenceCase): void {
  const Cls = CLASSES[c.layer] as unknown as new (
    f: number,
    k: number[],
    o: Record<string, unknown>,
  ) => layers.Conv2D;
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const layer = new Cls(c.filters, c.kernelSize, { ...c.options, activation: "linear" });
  const x0 = tf.tensor(values(size(c.inputShape), 1, 0.37, 0.1), c.inputShape);
  const x = tf.variable(x0);
  x0.dispose();
  layer.apply(x).dispose(); // builds it
  const kernel = layer.kernel!;
  const bias = layer.bias!;
  const kv = values(kernel.size, 0.5, 0.23, 0.2);
  tf.tidy(() => {
    kernel.assign(tf.tensor(kv, kernel.shape));
    bias.assign(tf.tensor(values(c.filters, 0.1, 0.7, 0.3)));
  });
  const lw = tf.tensor(values(size(c.outputShape), 1, 0.11, 0.5), c.outputShape);
  const label = `${c.name} on ${tf.getBackend()}`;
  const { value, grads } = tf.variableGrads(() => {
    const y = layer.apply(x, { training: true });
    assert.deepEqual(y.shape, c.outputShape, `${label}: shape`);
    assertNear(y.dataSync(), c.output, `${label}: output`);
    return tf.sum(tf.mul(y, lw)) as tf.Scalar;
  }, [x, kernel, bias]);
  assertNear(grads[x.name].dataSync(), c.grads.input, `${label}: input gradient`);
  assertNear(grads[kernel.name].dataSync(), c.grads.kernel, `${label}: kernel gradient`);
  assertNear(grads[bias.name].dataSync(), c.grads.bias, `${label}: bias gradient`);
  tf.dispose([value, lw, x, ...Object.values(grads)]);
  layer.dispose();
}

for (const backend of ["cpu", "kerno"]) {
  Deno.test(`the transposed, grouped and 3-D convolutions equal PyTorch on ${backend}, gradients included`, async () => {
    const previous = getBackend();
    await setBackend(backend);
    try {
      const before = tf.memory().numTensors;
      for (const c of CONV_REFERENCE) runCase(c);
      assert.equal(tf.memory().numTensors, before, "tensors leaked");
    } finally {
      await setBackend(previous);
    }
  });
}
