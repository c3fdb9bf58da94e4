import assert from "node:assert/strict";
import { Input, layers, Model, optimizers, Sequential, setSeed, tf } from "../../mod.ts";
import { initializers } from "../../mod.ts";
import { type Layer, maskOf } from "../../engine/layer.ts";
import { REFERENCE, type ReferenceCase } from "./_recurrent_reference.ts";
import { checkLayer } from "./_layer_check.ts";

const { Bidirectional, GRU, GRUCell, LSTM, LSTMCell, RNN, SimpleRNN, SimpleRNNCell } = layers;
const { StackedRNNCells, TimeDistributed } = layers;

/** `scale · fn(i · step + phase)` rounded to float32: the formula of tools/torch_rnn_reference.py. */
function values(n: number, scale: number, phase: number, fn = Math.sin, step = 0.37): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.fround(scale * fn(i * step + phase)));
}

function formula(shape: number[], scale: number, phase: number): tf.Tensor {
  return tf.tensor(values(shape.reduce((a, b) => a * b, 1), scale, phase), shape);
}

/** Largest |got − want| over the largest |want|: float32 against float64. */
function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  assert.equal(got.length, want.length);
  let scale = 1e-12;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]));
  return e / scale;
}

function close(
  got: tf.Tensor | ArrayLike<number>,
  want: tf.Tensor | ArrayLike<number>,
  tol = 1e-6,
) {
  const g = got instanceof tf.Tensor ? got.dataSync() : got;
  const w = want instanceof tf.Tensor ? want.dataSync() : want;
  const e = relError(g, w);
  assert.ok(e <= tol, `relative error ${e} > ${tol}`);
}

/** `layer.apply` returning every output as a list (disposing attached masks). */
function run(layer: Layer, x: tf.Tensor, options: Record<string, unknown> = {}): tf.Tensor[] {
  const out = layer.apply(x, options) as unknown as tf.Tensor | tf.Tensor[];
  const list = Array.isArray(out) ? out : [out];
  maskOf(list[0])?.dispose();
  return list;
}

function makeReferenceLayer(c: ReferenceCase, options: Record<string, unknown>): Layer {
  const o = { ...options, goBackwards: c.goBackwards };
  if (c.kind === "simple_rnn") return new SimpleRNN(c.units, o);
  if (c.kind === "lstm") return new LSTM(c.units, o);
  return new GRU(c.units, { ...o, resetAfter: c.kind === "gru" });
}

// --- Exactness against PyTorch ------------------------------------------

Deno.test("SimpleRNN, LSTM and GRU equal PyTorch's nn.RNN, nn.LSTM, nn.GRU: outputs, states and every gradient", () => {
  const before = tf.memory().numTensors;
  for (const c of REFERENCE) {
    const k = c.kind === "lstm" ? 4 : c.kind === "simple_rnn" ? 1 : 3;
    const { batch: B, time: T, features: F, units: U } = c;
    const x = tf.tidy(() => tf.variable(formula([B, T, F], 1, 0.5)));
    const weights = [
      formula([F, k * U], 0.5, 1.0),
      formula([U, k * U], 0.4, 2.0),
      formula(c.kind === "gru" ? [2, 3 * U] : [k * U], 0.3, 3.0),
    ];
    const nStates = c.kind === "lstm" ? 2 : 1;
    const wSeq = tf.tensor(values(B * T * U, 1, 0, Math.cos, 0.29), [B, T, U]);
    const wLast = tf.tensor(values(B * U, 1, 1, Math.cos, 0.29), [B, U]);
    const wStates = Array.from(
      { length: nStates },
      (_, s) => tf.tensor(values(B * U, 1, 2 + s, Math.cos, 0.29), [B, U]),
    );
    for (const mode of ["sequence", "last"] as const) {
      const what = `${c.kind} ${B}x${T}x${F}→${U}${c.goBackwards ? " backwards" : ""} (${mode})`;
      const layer = makeReferenceLayer(
        c,
        mode === "sequence" ? { returnSequences: true } : { returnState: true },
      );
      tf.dispose(run(layer, x));
      layer.setWeights(weights);
      const { value, grads } = tf.variableGrads(() => {
        const [y, ...states] = run(layer, x);
        if (mode === "sequence") {
          close(y, c.outputs);
          return tf.sum(tf.mul(wSeq, y)) as tf.Scalar;
        }
        states.forEach((s, i) => close(s, c.states[i]));
        close(y, c.states[0]); // the last output is h
        return states.reduce(
          (loss, s, i) => tf.add(loss, tf.sum(tf.mul(wStates[i], s))),
          tf.sum(tf.mul(wLast, y)),
        ) as tf.Scalar;
      }, [x, ...layer.trainableWeights]);
      const want = mode === "sequence" ? c.sequenceGrads : c.lastGrads;
      const [kernel, recurrent, bias] = layer.trainableWeights;
      for (
        const [name, v, ref] of [
          ["input", x, want.input],
          ["kernel", kernel, want.kernel],
          ["recurrentKernel", recurrent, want.recurrentKernel],
          ["bias", bias, want.bias],
        ] as const
      ) {
        const e = relError(grads[v.name].dataSync(), ref);
        assert.ok(e <= 1e-5, `${what}: d/d${name} relative error ${e}`);
      }
      tf.dispose([value, ...Object.values(grads)]);
      layer.dispose();
    }
    tf.dispose([x, ...weights, wSeq, wLast, ...wStates]);
  }
  assert.equal(tf.memory().numTensors, before);
});

// --- Masks ----------------------------------------------------------------

/** Keras's masked steps derived independently: each sample's unmasked steps run alone. */
function maskedByHand(
  layer: Layer,
  x: tf.Tensor,
  mask: number[][],
  goBackwards: boolean,
): { outputs: number[][][]; states: number[][][] } {
  const [batch, time] = x.shape;
  const outputs: number[][][] = [];
  const states: number[][][] = [];
  for (let b = 0; b < batch; b++) {
    const order = [...Array(time).keys()];
    if (goBackwards) order.reverse(); // the steps in the order processed
    const kept = order.filter((t) => mask[b][t] === 1);
    const steps = tf.tidy(() =>
      tf.expandDims(
        tf.stack(kept.map((t) => tf.reshape(tf.slice(x, [b, t, 0], [1, 1, -1]), [-1]))),
        0,
      )
    );
    // The sub-sequence in the order processed: run forwards, whatever the layer's direction.
    const [seq, ...st] = run(layer, steps, {});
    const seqValues = seq.arraySync() as number[][][];
    const units = seq.shape[2];
    let previous = new Array(units).fill(0);
    const row: number[][] = [];
    let j = 0;
    for (const t of order) {
      if (mask[b][t] === 1) previous = seqValues[0][j++];
      row.push(previous);
    }
    outputs.push(row);
    states.push(st.map((s) => Array.from(s.dataSync())));
    tf.dispose([steps, seq, ...st]);
  }
  return { outputs, states };
}

Deno.test("a masked step keeps the states and repeats the output (zeros before the first), as Keras", () => {
  const before = tf.memory().numTensors;
  const mask = [[1, 1, 0, 1, 0], [0, 0, 1, 1, 1], [1, 0, 1, 0, 1]];
  const x = formula([3, 5, 2], 1, 0.3);
  const m = tf.tensor2d(mask, [3, 5], "bool");
  for (
    const make of [
      (o: object) => new SimpleRNN(3, o),
      (o: object) => new LSTM(3, o),
      (o: object) => new GRU(3, o),
    ]
  ) {
    for (const goBackwards of [false, true]) {
      setSeed(3);
      const layer = make({ returnSequences: true, returnState: true, goBackwards });
      const [seq, ...states] = run(layer, x, { mask: m });
      // The same weights, unmasked and forwards, on each sample's unmasked steps.
      const plain = make({ returnSequences: true, returnState: true });
      const probe = tf.zeros([1, 1, 2]);
      tf.dispose([probe, ...run(plain, probe)]);
      const w = layer.getWeights();
      plain.setWeights(w);
      const want = maskedByHand(plain, x, mask, goBackwards);
      close(seq, want.outputs.flat(2));
      states.forEach((s, i) => close(s, want.states.map((st) => st[i]).flat()));
      tf.dispose([seq, ...states, ...w]);
      layer.dispose();
      plain.dispose();
    }
  }
  tf.dispose([x, m]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("zeroOutputForMask outputs zeros at masked steps; the last output is the last unmasked one", () => {
  const x = formula([1, 4, 2], 1, 0.1);
  const m = tf.tensor2d([[1, 0, 1, 0]], [1, 4], "bool");
  const layer = new GRU(2, { returnSequences: true, zeroOutputForMask: true });
  const [y] = run(layer, x, { mask: m });
  const rows = (y.arraySync() as number[][][])[0];
  assert.deepEqual(rows[1], [0, 0]);
  assert.deepEqual(rows[3], [0, 0]);
  assert.ok(rows[0].some((v) => v !== 0) && rows[2].some((v) => v !== 0));
  tf.dispose([x, m, y]);
  layer.dispose();
});

Deno.test("an LSTM after Embedding({ maskZero }) ignores trailing padding; the mask follows returnSequences", () => {
  setSeed(5);
  const embedding = new layers.Embedding(10, 4, { maskZero: true });
  const lstm = new LSTM(3);
  const model = new Sequential([Input({ shape: [null], dtype: "int32" }), embedding, lstm]);
  const padded = tf.tensor2d([[3, 5, 0, 0]], [1, 4], "int32");
  const short = tf.tensor2d([[3, 5]], [1, 2], "int32");
  const a = model.predict(padded) as tf.Tensor;
  const b = model.predict(short) as tf.Tensor;
  close(a, b);
  // returnSequences passes the mask on; the last output alone has none.
  const seqLayer = new LSTM(3, { returnSequences: true });
  const e = embedding.apply(padded);
  const seq = seqLayer.apply(e);
  assert.deepEqual(maskOf(seq)!.arraySync(), [[1, 1, 0, 0]]);
  const last = lstm.apply(e);
  assert.equal(maskOf(last), null);
  tf.dispose([padded, short, a, b, e, seq, last, maskOf(e)!, maskOf(seq)!]);
  model.dispose();
  seqLayer.dispose();
});

// --- Shapes, defaults, weights -------------------------------------------

Deno.test("output shapes with returnSequences and returnState; weights in Keras's layout", () => {
  const before = tf.memory().numTensors;
  const x = tf.ones([2, 5, 3]);
  const shapes = (layer: Layer) => {
    const out = run(layer, x);
    const s = out.map((t) => t.shape);
    tf.dispose(out);
    layer.dispose();
    return s;
  };
  assert.deepEqual(shapes(new LSTM(4)), [[2, 4]]);
  assert.deepEqual(shapes(new LSTM(4, { returnSequences: true })), [[2, 5, 4]]);
  assert.deepEqual(shapes(new LSTM(4, { returnState: true })), [[2, 4], [2, 4], [2, 4]]);
  assert.deepEqual(shapes(new GRU(4, { returnSequences: true, returnState: true })), [[2, 5, 4], [
    2,
    4,
  ]]);
  assert.deepEqual(shapes(new SimpleRNN(4, { returnState: true })), [[2, 4], [2, 4]]);
  const lstm = new LSTM(4);
  tf.dispose(run(lstm, x));
  assert.deepEqual(lstm.namedWeights.length, 0); // the cell owns them
  assert.deepEqual(lstm.cell.namedWeights.map((w) => [w.name, w.variable.shape]), [
    ["kernel", [3, 16]],
    ["recurrent_kernel", [4, 16]],
    ["bias", [16]],
  ]);
  // unitForgetBias: the forget block starts at ones.
  assert.deepEqual(Array.from(lstm.weights[2].dataSync()), [
    ...new Array(4).fill(0),
    ...new Array(4).fill(1),
    ...new Array(8).fill(0),
  ]);
  const gru = new GRU(4);
  const gruBefore = new GRU(4, { resetAfter: false });
  tf.dispose([...run(gru, x), ...run(gruBefore, x)]);
  assert.deepEqual(gru.weights.map((w) => w.shape), [[3, 12], [4, 12], [2, 12]]);
  assert.deepEqual(gruBefore.weights.map((w) => w.shape), [[3, 12], [4, 12], [12]]);
  assert.equal(gru.countParams(), 3 * 12 + 4 * 12 + 24);
  assert.deepEqual(lstm.computeOutputShape([null, 5, 3]), [null, 4]);
  assert.deepEqual(new GRU(2, { returnSequences: true }).computeOutputShape([null, 7, 3]), [
    null,
    7,
    2,
  ]);
  for (const l of [lstm, gru, gruBefore]) l.dispose();
  x.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Orthogonal: Keras's initializer of recurrent kernels, orthonormal rows or columns, times gain", () => {
  const gram = (q: tf.Tensor, rows: boolean) =>
    tf.tidy(() => (rows ? tf.matMul(q, q, false, true) : tf.matMul(q, q, true, false)));
  for (const [shape, rows] of [[[3, 3], true], [[4, 12], true], [[12, 4], false]] as const) {
    const q = new initializers.Orthogonal({ seed: 3 }).apply([...shape]);
    const g = gram(q, rows);
    const n = g.shape[0];
    close(g, tf.tidy(() => tf.eye(n)).dataSync(), 1e-5);
    tf.dispose([q, g]);
  }
  const q = new initializers.Orthogonal({ gain: 2, seed: 1 }).apply([3, 3]);
  const g = gram(q, true);
  close(g, [4, 0, 0, 0, 4, 0, 0, 0, 4], 1e-5);
  tf.dispose([q, g]);
  assert.deepEqual(initializers.serialize("orthogonal"), {
    className: "Orthogonal",
    config: { gain: 1, seed: null },
  });
  const again = initializers.deserialize({
    class_name: "Orthogonal",
    config: { gain: 0.5, seed: 2 },
  });
  const [a, b] = [
    again.apply([2, 2]),
    new initializers.Orthogonal({ gain: 0.5, seed: 2 }).apply([2, 2]),
  ];
  assert.deepEqual(a.arraySync(), b.arraySync());
  tf.dispose([a, b]);
  assert.throws(() => new initializers.Orthogonal().apply([4]), /rank 2 or more/);
});

// --- Bidirectional, TimeDistributed, stacks, user cells --------------------

Deno.test("Bidirectional merges the forward output with the backward one put back in time order", () => {
  const before = tf.memory().numTensors;
  const x = formula([2, 4, 3], 1, 0.2);
  for (const returnSequences of [true, false]) {
    setSeed(7);
    const bi = new Bidirectional(new GRU(2, { returnSequences }), { mergeMode: null });
    const [f, b] = run(bi, x);
    const [fAlone] = run(bi.forwardLayer, x);
    const [bAlone] = run(bi.backwardLayer, x);
    close(f, fAlone);
    tf.tidy(() => close(b, returnSequences ? tf.reverse(bAlone, 1) : bAlone));
    for (
      const [mode, merge] of [
        ["concat", (p: tf.Tensor, q: tf.Tensor) => tf.concat([p, q], -1)],
        ["sum", tf.add],
        ["mul", tf.mul],
        ["ave", (p: tf.Tensor, q: tf.Tensor) => tf.div(tf.add(p, q), 2)],
      ] as const
    ) {
      const merged = new Bidirectional(new GRU(2, { returnSequences }), { mergeMode: mode });
      tf.dispose(run(merged, x));
      const w = bi.getWeights();
      merged.setWeights(w);
      const [y] = run(merged, x);
      const want = tf.tidy(() => merge(f, b));
      close(y, want);
      assert.deepEqual(merged.computeOutputShape([null, 4, 3]), [null, ...want.shape.slice(1)]);
      tf.dispose([y, want, ...w]);
      merged.dispose();
    }
    tf.dispose([f, b, fAlone, bAlone]);
    bi.dispose();
  }
  x.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Bidirectional with returnState returns [merged, ...forward states, ...backward states] and takes initialState", () => {
  const x = formula([2, 3, 2], 1, 0.7);
  const bi = new Bidirectional(new LSTM(3, { returnState: true }));
  const out = run(bi, x);
  assert.deepEqual(out.map((t) => t.shape), [[2, 6], [2, 3], [2, 3], [2, 3], [2, 3]]);
  const [fh, fc] = run(bi.forwardLayer, x).slice(1);
  close(out[1], fh);
  close(out[2], fc);
  const init = [0, 1, 2, 3].map((i) => tf.fill([2, 3], 0.1 * (i + 1)));
  const withInit = run(bi, x, { initialState: init });
  const fInit = run(bi.forwardLayer, x, { initialState: init.slice(0, 2) });
  close(withInit[1], fInit[1]);
  assert.throws(() => run(bi, x, { initialState: init.slice(0, 3) }), /an even count/);
  assert.equal(bi.forwardLayer.name.startsWith("forward_"), true);
  assert.equal(bi.backwardLayer.goBackwards, true);
  tf.dispose([x, ...out, fh, fc, ...init, ...withInit, ...fInit]);
  bi.dispose();
});

Deno.test("Bidirectional with a mask: masked steps output zeros in both directions (Keras)", () => {
  const x = formula([1, 4, 2], 1, 0.4);
  const m = tf.tensor2d([[1, 1, 1, 0]], [1, 4], "bool");
  const bi = new Bidirectional(new SimpleRNN(2, { returnSequences: true }), { mergeMode: null });
  const [f, b] = run(bi, x, { mask: m });
  assert.deepEqual((f.arraySync() as number[][][])[0][3], [0, 0]);
  assert.deepEqual((b.arraySync() as number[][][])[0][3], [0, 0]);
  // The backward direction starts at the last unmasked step: the same as without the padding.
  const short = tf.slice(x, [0, 0, 0], [1, 3, 2]);
  const [, bShort] = run(bi, short);
  close(tf.slice(b, [0, 0, 0], [1, 3, 2]), bShort);
  tf.dispose([x, m, f, b, short, bShort]);
  bi.dispose();
});

Deno.test("TimeDistributed(Dense) equals Dense applied at each step", () => {
  const before = tf.memory().numTensors;
  const x = formula([2, 3, 4], 1, 0.9);
  const dense = new layers.Dense(5, { activation: "tanh" });
  const td = new TimeDistributed(dense);
  const [y] = run(td, x);
  assert.deepEqual(y.shape, [2, 3, 5]);
  for (let t = 0; t < 3; t++) {
    const step = tf.tidy(() => dense.apply(tf.squeeze(tf.slice(x, [0, t, 0], [-1, 1, -1]), [1])));
    const got = tf.tidy(() => tf.squeeze(tf.slice(y, [0, t, 0], [-1, 1, -1]), [1]));
    close(got, step);
    tf.dispose([step, got]);
  }
  assert.deepEqual(td.computeOutputShape([null, 3, 4]), [null, 3, 5]);
  assert.equal(td.weights.length, 2);
  // A mask over [batch, time] passes through.
  const m = tf.tensor2d([[1, 0, 1], [1, 1, 0]], [2, 3], "bool");
  const z = td.apply(x, { mask: m });
  const zMask = maskOf(z)!;
  assert.deepEqual(zMask.arraySync(), [[1, 0, 1], [1, 1, 0]]);
  const [badMask, flat] = [tf.ones([2, 4], "bool"), tf.ones([2, 3])];
  assert.throws(
    () => td.apply(x, { mask: badMask }),
    /mask must have shape \[batch, time\] = \[2, 3\]/,
  );
  const other = new TimeDistributed(new layers.Dense(2));
  assert.throws(() => other.apply(flat), /rank 3 or more/);
  tf.dispose([x, y, m, z, zMask, badMask, flat]);
  td.dispose();
  other.dispose();
  assert.equal(tf.memory().numTensors, before);
});

/** A user's cell: the minimal RNN of Keras's guide, h' = tanh(x·W + h·U). */
class MinimalRNNCell extends layers.RNNCell {
  static override positionalArgs = ["units"];
  readonly stateSize: number;
  kernel!: tf.Variable;
  recurrent!: tf.Variable;
  constructor(units: number, options: { name?: string } = {}) {
    super(options);
    this.stateSize = units;
  }
  override build(inputShape: (number | null)[]): void {
    this.kernel = this.addWeight("kernel", [inputShape[inputShape.length - 1]!, this.stateSize]);
    this.recurrent = this.addWeight("recurrent_kernel", [this.stateSize, this.stateSize]);
  }
  override call(input: tf.Tensor, states: tf.Tensor[]): [tf.Tensor, tf.Tensor[]] {
    const h = tf.tanh(tf.add(tf.matMul(input, this.kernel), tf.matMul(states[0], this.recurrent)));
    return [h, [h]];
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.stateSize };
  }
}

Deno.test("RNN runs a user-written cell: its steps by hand, stacked with kerno's cells, in Bidirectional", () => {
  const before = tf.memory().numTensors;
  const x = formula([2, 3, 2], 1, 0.6);
  const cell = new MinimalRNNCell(3);
  const rnn = new RNN(cell, { returnSequences: true });
  const [y] = run(rnn, x);
  tf.tidy(() => {
    let h = tf.zeros([2, 3]);
    for (let t = 0; t < 3; t++) {
      const xt = tf.squeeze(tf.slice(x, [0, t, 0], [-1, 1, -1]), [1]);
      h = tf.tanh(tf.add(tf.matMul(xt, cell.kernel), tf.matMul(h, cell.recurrent)));
      close(tf.squeeze(tf.slice(y, [0, t, 0], [-1, 1, -1]), [1]), h);
    }
  });
  // Its weights train: a gradient reaches them.
  const { value, grads } = tf.variableGrads(
    () => tf.sum(run(rnn, x)[0]) as tf.Scalar,
    rnn.trainableWeights,
  );
  assert.equal(Object.keys(grads).length, 2);
  tf.dispose([value, ...Object.values(grads)]);
  // Stacked with an LSTMCell, and wrapped by Bidirectional (the cell copied through its class).
  const stacked = new RNN([new MinimalRNNCell(3), new LSTMCell(2)], { returnState: true });
  const out = run(stacked, x);
  assert.deepEqual(out.map((t) => t.shape), [[2, 2], [2, 3], [2, 2], [2, 2]]);
  const bi = new Bidirectional(new RNN(new MinimalRNNCell(2)));
  const [z] = run(bi, x);
  assert.deepEqual(z.shape, [2, 4]);
  assert.ok(bi.backwardLayer.cell instanceof MinimalRNNCell);
  assert.notEqual(bi.backwardLayer.cell, bi.forwardLayer.cell);
  tf.dispose([x, y, ...out, z]);
  for (const l of [rnn, stacked, bi]) l.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("StackedRNNCells equals the cells run one after the other, masks included", () => {
  const before = tf.memory().numTensors;
  const x = formula([2, 5, 3], 1, 0.8);
  const m = tf.tensor2d([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], [2, 5], "bool");
  setSeed(11);
  const stack = new RNN(
    new StackedRNNCells([new LSTMCell(4), new GRUCell(3), new SimpleRNNCell(2)]),
    {
      returnSequences: true,
      returnState: true,
    },
  );
  const out = run(stack, x, { mask: m });
  const first = new LSTM(4, { returnSequences: true, returnState: true });
  const second = new GRU(3, { returnSequences: true, returnState: true });
  const third = new SimpleRNN(2, { returnSequences: true, returnState: true });
  const [a, ah, ac] = run(first, x, { mask: m });
  const [b, bh] = run(second, a, { mask: m });
  const [c, ch] = run(third, b, { mask: m });
  tf.dispose([a, ah, ac, b, bh, c, ch]);
  const w = stack.getWeights();
  first.setWeights(w.slice(0, 3));
  second.setWeights(w.slice(3, 6));
  third.setWeights(w.slice(6));
  const [a2, ah2, ac2] = run(first, x, { mask: m });
  const [b2, bh2] = run(second, a2, { mask: m });
  const [c2, ch2] = run(third, b2, { mask: m });
  close(out[0], c2);
  [ah2, ac2, bh2, ch2].forEach((s, i) => close(out[i + 1], s));
  assert.deepEqual(stack.cell.stateSize, [4, 4, 3, 2]);
  tf.dispose([x, m, ...out, ...w, a2, ah2, ac2, b2, bh2, c2, ch2]);
  for (const l of [stack, first, second, third]) l.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("initialState sets the first states; a cell used alone takes one step", () => {
  const x = formula([2, 3, 2], 1, 0.5);
  const lstm = new LSTM(3, { returnState: true });
  tf.dispose(run(lstm, x));
  const h0 = tf.fill([2, 3], 0.5);
  const c0 = tf.fill([2, 3], -0.5);
  const before = tf.memory().numTensors;
  const [y, h, c] = run(lstm, x, { initialState: [h0, c0] });
  // The same by the cell, step by step.
  tf.tidy(() => {
    let states = [h0, c0];
    let out!: tf.Tensor;
    for (let t = 0; t < 3; t++) {
      const xt = tf.squeeze(tf.slice(x, [0, t, 0], [-1, 1, -1]), [1]);
      [out, states] = (lstm.cell as InstanceType<typeof LSTMCell>).call(xt, states);
    }
    close(y, out);
    close(h, states[0]);
    close(c, states[1]);
  });
  const zeroStart = run(lstm, x);
  assert.ok(relError(zeroStart[0].dataSync(), y.dataSync()) > 1e-3);
  tf.dispose([y, h, c, ...zeroStart]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, h0, c0]);
  lstm.dispose();
});

// --- Stateful ----------------------------------------------------------------

Deno.test("stateful keeps the states across calls; resetStates clears them", () => {
  setSeed(13);
  const x = formula([2, 6, 3], 1, 0.1);
  const whole = new GRU(4, { returnSequences: true });
  const [all] = run(whole, x);
  const layer = new GRU(4, { returnSequences: true, stateful: true });
  tf.dispose(run(layer, tf.zeros([2, 1, 3])));
  const w = whole.getWeights();
  layer.setWeights(w);
  layer.resetStates();
  const [first] = run(layer, tf.slice(x, [0, 0, 0], [-1, 3, -1]));
  const [second] = run(layer, tf.slice(x, [0, 3, 0], [-1, 3, -1]));
  close(tf.concat([first, second], 1), all);
  assert.equal(layer.states!.length, 1);
  layer.resetStates();
  const [again] = run(layer, tf.slice(x, [0, 0, 0], [-1, 3, -1]));
  close(again, first);
  assert.throws(
    () => run(layer, tf.ones([3, 2, 3])),
    /stateful with a batch size of 2 .*received a batch of 3/,
  );
  assert.throws(() => new GRU(2).resetStates(), /not stateful/);
  // Symbolic use needs a fixed batch size.
  assert.throws(
    () => new LSTM(2, { stateful: true }).apply(Input({ shape: [4, 3] })),
    /stateful and its input's batch size is unknown/,
  );
  const fixed = new LSTM(2, { stateful: true });
  const sym = fixed.apply(Input({ shape: [4, 3], batchSize: 2 }));
  assert.deepEqual(sym.shape, [2, 2]);
  assert.equal(fixed.states, null); // shape inference left no states
  tf.dispose([x, all, first, second, again, ...w]);
  for (const l of [whole, layer, fixed]) l.dispose();
});

// --- Training -------------------------------------------------------------------

function orderTask(n: number, seed: number): [tf.Tensor, tf.Tensor] {
  // Is the sum of the first feature over the sequence positive?
  const x = tf.randomNormal([n, 6, 2], 0, 1, "float32", seed);
  const y = tf.tidy(() =>
    tf.reshape(
      tf.cast(tf.greater(tf.sum(tf.slice(x, [0, 0, 0], [-1, -1, 1]), [1, 2]), 0), "float32"),
      [n, 1],
    )
  );
  return [x, y];
}

Deno.test("Sequential and subclassed recurrent models train with fit: the loss falls, no tensors leak", async () => {
  setSeed(17);
  const [x, y] = orderTask(64, 1);
  const sequential = new Sequential([
    Input({ shape: [6, 2] }),
    new Bidirectional(new LSTM(6, { returnSequences: true })),
    new GRU(4, { dropout: 0.1, recurrentDropout: 0.1 }),
    new layers.Dense(1, { activation: "sigmoid" }),
  ]);
  class Subclassed extends Model {
    rnn = new SimpleRNN(6, { returnSequences: true });
    td = new TimeDistributed(new layers.Dense(3, { activation: "relu" }));
    lstm = new LSTM(4);
    out = new layers.Dense(1, { activation: "sigmoid" });
    override call(inputs: tf.Tensor, options: { training?: boolean } = {}): tf.Tensor {
      const h = this.td.apply(this.rnn.apply(inputs, options), options);
      return this.out.apply(this.lstm.apply(h, options));
    }
  }
  for (const model of [sequential, new Subclassed()]) {
    model.compile({
      optimizer: new optimizers.Adam({ learningRate: 0.02 }),
      loss: "binary_crossentropy",
    });
    await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 }); // builds every weight
    const before = tf.memory().numTensors;
    const history = await model.fit(x, y, { epochs: 12, batchSize: 16, verbose: 0 });
    const loss = history.history.loss;
    assert.ok(loss[loss.length - 1] < 0.8 * loss[0], `loss ${loss[0]} -> ${loss[loss.length - 1]}`);
    assert.equal(tf.memory().numTensors, before, "tensors leaked by fit");
    model.dispose();
  }
  tf.dispose([x, y]);
});

// --- Configs and the shared check ------------------------------------------------

Deno.test("every recurrent layer passes the shared layer check (shapes, config round trip, gradients, leaks)", () => {
  const cases: [
    () => Layer,
    { fromConfig(c: Record<string, unknown>): Layer },
    number[],
    number,
    number,
  ][] = [
    [() => new SimpleRNN(3, { returnSequences: true }), SimpleRNN, [2, 4, 3], 3, 3 * 3 + 3 * 3 + 3],
    [
      () => new LSTM(2, { goBackwards: true, unitForgetBias: false }),
      LSTM,
      [2, 2],
      3,
      3 * 8 + 2 * 8 + 8,
    ],
    [() => new GRU(2, { resetAfter: false }), GRU, [2, 2], 3, 3 * 6 + 2 * 6 + 6],
    [() => new GRU(2, { useBias: false, returnSequences: true }), GRU, [2, 4, 2], 2, 3 * 6 + 2 * 6],
    [
      () => new RNN([new LSTMCell(2), new SimpleRNNCell(2)]),
      RNN,
      [2, 2],
      6,
      3 * 8 + 2 * 8 + 8 + 2 * 2 + 2 * 2 + 2,
    ],
    [
      () => new Bidirectional(new GRU(2), { mergeMode: "sum" }),
      Bidirectional,
      [2, 2],
      6,
      2 * (3 * 6 + 2 * 6 + 12),
    ],
    [() => new TimeDistributed(new layers.Dense(2)), TimeDistributed, [2, 4, 2], 2, 3 * 2 + 2],
  ];
  for (const [make, cls, outputShape, weights, params] of cases) {
    checkLayer({ make, cls, inputShape: [2, 4, 3], outputShape, weights, params, rtol: 3e-2 });
  }
});

Deno.test("getConfig uses Keras's names; fromConfig rebuilds every layer and cell", () => {
  const lstm = new LSTM(4, {
    returnSequences: true,
    recurrentActivation: "tanh",
    kernelRegularizer: "l2",
    dropout: 0.25,
    seed: 3,
  });
  const config = lstm.getConfig();
  for (
    const key of [
      "units",
      "activation",
      "recurrentActivation",
      "useBias",
      "returnSequences",
      "returnState",
      "goBackwards",
      "stateful",
      "unroll",
      "dropout",
      "recurrentDropout",
      "unitForgetBias",
      "kernelInitializer",
      "recurrentInitializer",
      "biasInitializer",
      "kernelRegularizer",
    ]
  ) assert.ok(key in config, key);
  assert.equal(config.recurrentInitializer, "orthogonal");
  assert.equal(new GRU(2).getConfig().resetAfter, true);
  const all: Layer[] = [
    lstm,
    new GRU(3, { resetAfter: false, goBackwards: true }),
    new SimpleRNN(2, { activation: "relu", stateful: true, inputShape: [4, 3], batchSize: 2 }),
    new LSTMCell(3, { unitForgetBias: false }),
    new GRUCell(3),
    new SimpleRNNCell(3),
    new StackedRNNCells([new LSTMCell(2), new GRUCell(2)]),
    new RNN(new GRUCell(2), { returnState: true }),
    new RNN([new SimpleRNNCell(2), new SimpleRNNCell(3)]),
    new Bidirectional(new LSTM(2, { returnSequences: true }), { mergeMode: "ave" }),
    new Bidirectional(new GRU(2), {
      backwardLayer: new GRU(2, { goBackwards: true, name: "back" }),
    }),
    new TimeDistributed(new layers.Dense(3, { activation: "relu" })),
  ];
  for (const layer of all) {
    const json = JSON.parse(JSON.stringify(layer.getConfig()));
    assert.deepEqual(json, layer.getConfig(), `${layer.constructor.name}: plain JSON`);
    const cls = layer.constructor as unknown as { fromConfig(c: Record<string, unknown>): Layer };
    const copy = cls.fromConfig(json);
    assert.equal(copy.constructor, layer.constructor);
    assert.deepEqual(copy.getConfig(), json, `${layer.constructor.name}: round trip`);
    copy.dispose();
    layer.dispose();
  }
  // A user's cell class is passed as the cell itself.
  const custom = new RNN(new MinimalRNNCell(2));
  assert.throws(
    () => RNN.fromConfig(custom.getConfig()),
    /class "MinimalRNNCell".*pass the layer itself/,
  );
  const rebuilt = RNN.fromConfig({ ...custom.getConfig(), cell: new MinimalRNNCell(2) });
  assert.ok((rebuilt as InstanceType<typeof RNN>).cell instanceof MinimalRNNCell);
});

// --- Dropout -------------------------------------------------------------------------

Deno.test("dropout and recurrentDropout act in training only, one mask per sequence, repeatable with a seed", () => {
  const x = formula([4, 5, 3], 1, 0.3);
  const make = () => new LSTM(3, { dropout: 0.5, recurrentDropout: 0.5, seed: 9 });
  const [a, b] = [make(), make()];
  tf.dispose([...run(a, x), ...run(b, x)]);
  const w = a.getWeights();
  b.setWeights(w);
  const [inference] = run(a, x);
  const [again] = run(a, x);
  assert.deepEqual(inference.dataSync(), again.dataSync());
  const [trainA] = run(a, x, { training: true });
  const [trainB] = run(b, x, { training: true });
  assert.ok(relError(trainA.dataSync(), inference.dataSync()) > 1e-3);
  close(trainA, trainB); // same seed, same masks
  tf.dispose([x, inference, again, trainA, trainB, ...w]);
  a.dispose();
  b.dispose();
});

// --- Errors ---------------------------------------------------------------------------

Deno.test("recurrent layers refuse bad inputs and options with clear messages", () => {
  const lstm = new LSTM(2);
  const flat = tf.ones([2, 3]);
  assert.throws(
    () => lstm.apply(flat),
    /lstm.*\(LSTM\) as its input must have rank 3, \[batch, time, features\]: received \(None, 3\)/,
  );
  const x = tf.ones([2, 4, 3]);
  lstm.apply(x).dispose();
  assert.throws(() => lstm.apply(flat), /expected \(None, None, 3\), received \(None, 3\)/);
  const h = tf.zeros([2, 2]);
  assert.throws(
    () => lstm.apply(x, { initialState: [h] } as never),
    /"initialState" must hold 2 tensors, one per state \(sizes 2, 2\): received 1/,
  );
  const wrong = tf.zeros([2, 5]);
  assert.throws(
    () => lstm.apply(x, { initialState: [h, wrong] } as never),
    /"initialState"\[1\] must have shape \[2, 2\] \(\[batch, state size\]\): received \[2,5\]/,
  );
  const badMask = tf.ones([2, 3], "bool");
  assert.throws(
    () => lstm.apply(x, { mask: badMask }),
    /mask must have shape \[batch, time\] = \[2, 4\]: received \[2,3\]/,
  );
  assert.throws(() => lstm.apply(x, { initalState: [h] } as never), /did you mean "initialState"/);
  assert.throws(() => new LSTM(0), /"units" must be a positive integer: received 0/);
  assert.throws(() => new LSTM(2, { unroll: true }), /"unroll" must be false/);
  assert.throws(() => new GRU(2, { dropout: 1 }), /"dropout" must be a number in \[0, 1\)/);
  assert.throws(
    () => new LSTM(2, { returnSequence: true } as never),
    /did you mean "returnSequences"/,
  );
  assert.throws(
    () => new LSTM(2, { recurrentInitializer: "orthogonl" }),
    /initializer "orthogonl" as it is unknown/,
  );
  assert.throws(
    () => new RNN(new layers.Dense(2) as never),
    /"cell" must be a cell: a layer with a "stateSize"/,
  );
  assert.throws(() => new RNN([]), /non-empty list of cells/);
  assert.throws(
    () => new Bidirectional(new layers.Dense(2) as never),
    /"layer" must be a recurrent layer/,
  );
  assert.throws(
    () => new Bidirectional(new GRU(2), { mergeMode: "max" as never }),
    /"mergeMode" must be/,
  );
  assert.throws(
    () => new Bidirectional(new GRU(2), { backwardLayer: new GRU(2) }),
    /different "goBackwards"/,
  );
  assert.throws(
    () =>
      new Bidirectional(new GRU(2), {
        backwardLayer: new GRU(2, { goBackwards: true, returnSequences: true }),
      }),
    /same "returnSequences"/,
  );
  tf.dispose([flat, x, h, wrong, badMask]);
  lstm.dispose();
});

Deno.test("a stateful LSTM with a fixed batch size trains with fit; its states carry across batches", async () => {
  const model = new Sequential([
    new layers.LSTM(8, { stateful: true, inputShape: [5, 3], batchSize: 4 }),
    new layers.Dense(1),
  ]);
  model.compile({ optimizer: "adam", loss: "mse" });
  const x = tf.randomNormal([16, 5, 3], 0, 1, "float32", 3);
  const y = tf.randomNormal([16, 1], 0, 1, "float32", 4);
  const h = await model.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
  assert.equal(h.history.loss.length, 3);
  const lstm = model.layers[0] as layers.LSTM;
  const states = lstm.states!;
  assert.equal(states.length, 2);
  assert.ok(states.some((s) => s.dataSync().some((v) => v !== 0)), "states carried over");
  lstm.resetStates();
  const cleared = lstm.states!;
  assert.ok(cleared.every((s) => s.dataSync().every((v) => v === 0)));
  tf.dispose([x, y, ...states, ...cleared]);
  model.dispose();
});
