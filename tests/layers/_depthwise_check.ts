/**
 * Runs the PyTorch reference cases of `_depthwise_reference.ts` through
 * kerno's layers (on a given backend): the same formula-made float32
 * inputs and Keras-layout weights, the output and the gradients of
 * `sum(wOut · output)` with respect to the input and every weight.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import type { Layer } from "../../engine/layer.ts";
import {
  DepthwiseConv1D,
  DepthwiseConv2D,
  SeparableConv1D,
  SeparableConv2D,
} from "../../layers/mod.ts";
import { assertClose } from "../backend/_helpers.ts";
import type { DepthwiseReference } from "./_depthwise_reference.ts";

/** `scale · fn(i · step + phase)` rounded to float32, as the Python script makes them. */
export function formulaValues(
  n: number,
  scale: number,
  phase: number,
  fn: (v: number) => number = Math.sin,
  step = 0.37,
): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.fround(scale * fn(i * step + phase));
  return out;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The layer of a case, unbuilt. */
export function referenceLayer(c: DepthwiseReference): Layer {
  const options = {
    depthMultiplier: c.depthMultiplier,
    strides: c.strides,
    dilationRate: c.dilationRate,
    padding: c.padding,
    dataFormat: c.dataFormat,
  };
  if (c.kind === "depthwise") {
    return c.rank === 1
      ? new DepthwiseConv1D(c.kernelSize, options)
      : new DepthwiseConv2D(c.kernelSize, options);
  }
  return c.rank === 1
    ? new SeparableConv1D(c.filters, c.kernelSize, options)
    : new SeparableConv2D(c.filters, c.kernelSize, options);
}

/** A short label for a case. */
export function label(c: DepthwiseReference): string {
  return `${c.kind} ${c.rank}-D [${c.inputShape}] k${c.kernelSize} s${c.strides} d${c.dilationRate} ${c.padding} ${c.dataFormat} x${c.depthMultiplier}`;
}

/**
 * Checks one case against PyTorch's numbers on the active backend; leaves
 * no tensor behind.
 *
 * @param c The case.
 * @param tol The tolerance (absolute and relative).
 */
export function checkReference(c: DepthwiseReference, tol = 1e-4): void {
  const before = tf.memory().numTensors;
  const layer = referenceLayer(c);
  const channels = c.dataFormat === "channels_last" ? c.inputShape[c.rank + 1] : c.inputShape[1];
  const mid = channels * c.depthMultiplier;
  const x0 = tf.tensor(formulaValues(size(c.inputShape), 1, 0.5), c.inputShape);
  const x = tf.variable(x0);
  x0.dispose();
  layer.apply(x).dispose();
  const dk = tf.tensor(
    formulaValues(size(c.kernelSize) * mid, 0.5, 1.0),
    [...c.kernelSize, channels, c.depthMultiplier],
  );
  const pk = tf.tensor(
    formulaValues(mid * c.filters, 0.4, 2.0),
    [...c.kernelSize.map(() => 1), mid, c.filters],
  );
  const outChannels = c.kind === "separable" ? c.filters : mid;
  const bias = tf.tensor(formulaValues(outChannels, 0.3, 3.0));
  layer.setWeights(c.kind === "separable" ? [dk, pk, bias] : [dk, bias]);
  const wOut = tf.tensor(formulaValues(size(c.outputShape), 1, 4.0, Math.cos, 0.29), c.outputShape);
  const y = layer.apply(x);
  const what = label(c);
  if (y.shape.join() !== c.outputShape.join()) {
    throw new Error(`${what}: output shape [${y.shape}], expected [${c.outputShape}]`);
  }
  assertClose(y.dataSync(), c.output, tol, `${what}: output`);
  const weights = layer.trainableWeights;
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(layer.apply(x), wOut)) as tf.Scalar,
    [x, ...weights],
  );
  const names = c.kind === "separable"
    ? ["depthwiseKernel", "pointwiseKernel", "bias"]
    : ["depthwiseKernel", "bias"];
  assertClose(grads[x.name].dataSync(), c.grads.input, tol, `${what}: d/dinput`);
  weights.forEach((w, i) =>
    assertClose(grads[w.name].dataSync(), c.grads[names[i]], tol, `${what}: d/d${names[i]}`)
  );
  tf.dispose([value, ...Object.values(grads), x, dk, pk, bias, wOut, y]);
  layer.dispose();
  const left = tf.memory().numTensors - before;
  if (left !== 0) throw new Error(`${what}: ${left} tensors leaked`);
}
