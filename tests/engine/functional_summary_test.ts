/**
 * `summary()` of functional models: Keras 3's "Connected to" column
 * (`layer[node][tensor]`, one per line, `-` for an input layer), every
 * input layer's row, per-model node indices, and the three-column table
 * kept for plain chains, `Sequential` and subclassed models.
 */
import assert from "node:assert/strict";
import { Input, layers, Model, Sequential, type SymbolicTensor, tf } from "../../mod.ts";

function lines(model: Model): string[] {
  const out: string[] = [];
  model.summary((l) => out.push(l));
  return out;
}

/** The lines before ` Backend: …`, which names whichever backend runs the tests. */
function withoutBackend(out: string[]): string[] {
  assert.match(out[out.length - 1], /^ Backend: \w+$/);
  return out.slice(0, -1);
}

const HEAVY = "━";
const LIGHT = "─";

Deno.test("summary of a two-input functional model lists both inputs and a shared layer's calls, one per line", () => {
  const before = tf.memory().numTensors;
  const left = Input({ shape: [4], name: "left" });
  const right = Input({ shape: [4], name: "right" });
  const shared = new layers.Dense(3, { name: "shared" });
  // A call outside the model: node indices count only this model's nodes.
  const elsewhere = Input({ shape: [4], name: "elsewhere" });
  shared.apply(elsewhere);
  const merged = new layers.Concatenate({ name: "merged" }).apply([
    shared.apply(left),
    shared.apply(right),
    left,
  ]);
  const out = new layers.Dense(1, { name: "out" }).apply(merged);
  const model = new Model({ inputs: [left, right], outputs: out, name: "two_inputs" });
  const rule = (c: string) => c.repeat(60);
  assert.deepEqual(withoutBackend(lines(model)), [
    'Model: "two_inputs"',
    rule(HEAVY),
    "Layer (type)          Output Shape  Param #  Connected to",
    rule(HEAVY),
    "left (InputLayer)     (None, 4)     0        -",
    rule(LIGHT),
    "right (InputLayer)    (None, 4)     0        -",
    rule(LIGHT),
    "shared (Dense)        (None, 3)     15       left[0][0],",
    "                                             right[0][0]",
    rule(LIGHT),
    "merged (Concatenate)  (None, 10)    0        shared[0][0],",
    "                                             shared[1][0],",
    "                                             left[0][0]",
    rule(LIGHT),
    "out (Dense)           (None, 1)     11       merged[0][0]",
    rule(HEAVY),
    " Total params: 26",
    " Trainable params: 26",
    " Non-trainable params: 0",
  ]);
  model.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("summary of a shared layer called on two shapes lists each call's output shape", () => {
  const short = Input({ shape: [3, 4], name: "short" });
  const long = Input({ shape: [5, 4], name: "long" });
  const proj = new layers.Dense(2, { name: "proj" });
  const poolA = new layers.GlobalAveragePooling1D({ name: "pool_a" }).apply(proj.apply(short));
  const poolB = new layers.GlobalAveragePooling1D({ name: "pool_b" }).apply(proj.apply(long));
  const model = new Model({ inputs: { short, long }, outputs: [poolA, poolB], name: "lengths" });
  const text = withoutBackend(lines(model));
  const rows = text.slice(4, -4);
  assert.deepEqual(rows.filter((l) => !l.startsWith(LIGHT)), [
    "short (InputLayer)               (None, 3, 4)   0        -",
    "long (InputLayer)                (None, 5, 4)   0        -",
    "proj (Dense)                     (None, 3, 2),  10       short[0][0],",
    "                                 (None, 5, 2)            long[0][0]",
    "pool_a (GlobalAveragePooling1D)  (None, 2)      0        proj[0][0]",
    "pool_b (GlobalAveragePooling1D)  (None, 2)      0        proj[1][0]",
  ]);
  model.dispose();
});

Deno.test("summary of a residual block connects the add to both branches", () => {
  const x = Input({ shape: [5], name: "x" });
  const h = new layers.Dense(5, { name: "branch" }).apply(x);
  const y = layers.add([x, h], { name: "skip" });
  const model = new Model({ inputs: x, outputs: y, name: "residual" });
  const text = withoutBackend(lines(model));
  assert.equal(text[2], "Layer (type)    Output Shape  Param #  Connected to");
  assert.deepEqual(text.slice(4, 10), [
    "x (InputLayer)  (None, 5)     0        -",
    LIGHT.repeat(text[1].length),
    "branch (Dense)  (None, 5)     30       x[0][0]",
    LIGHT.repeat(text[1].length),
    "skip (Add)      (None, 5)     0        x[0][0],",
    "                                       branch[0][0]",
  ]);
  model.dispose();
});

Deno.test("summary of a nested model of two outputs shows both shapes and each output's tensor index", () => {
  const inner = Input({ shape: [4], name: "inner_in" });
  const low = new layers.Dense(2, { name: "low" }).apply(inner);
  const high = new layers.Dense(3, { name: "high" }).apply(inner);
  const heads = new Model({ inputs: inner, outputs: { low, high }, name: "heads" });
  const x = Input({ shape: [4], name: "x" });
  const out = heads.apply(x) as unknown as Record<string, SymbolicTensor>;
  const joined = layers.concatenate([out.low, out.high], { name: "joined" });
  const model = new Model({ inputs: x, outputs: joined, name: "outer" });
  const text = withoutBackend(lines(model));
  assert.deepEqual(text.slice(4, -4).filter((l) => !l.startsWith(LIGHT)), [
    "x (InputLayer)        (None, 4)                          0        -",
    "heads (Model)         {low: (None, 2), high: (None, 3)}  25       x[0][0]",
    "joined (Concatenate)  (None, 5)                          0        heads[0][0],",
    "                                                                  heads[0][1]",
  ]);
  model.dispose();
});

Deno.test("summary of a functional chain keeps three columns and lists its input layer, as Keras 3", () => {
  const x = Input({ shape: [8], name: "features" });
  const h = new layers.Dense(4, { name: "hidden" }).apply(x);
  const y = new layers.Dense(2, { name: "logits" }).apply(h);
  const model = new Model({ inputs: x, outputs: y, name: "chain" });
  const rule = (c: string) => c.repeat(46);
  assert.deepEqual(withoutBackend(lines(model)), [
    'Model: "chain"',
    rule(HEAVY),
    "Layer (type)           Output Shape  Param #",
    rule(HEAVY),
    "features (InputLayer)  (None, 8)     0",
    rule(LIGHT),
    "hidden (Dense)         (None, 4)     36",
    rule(LIGHT),
    "logits (Dense)         (None, 2)     10",
    rule(HEAVY),
    " Total params: 46",
    " Trainable params: 46",
    " Non-trainable params: 0",
  ]);
  model.dispose();
});

Deno.test("summary of a Sequential model that starts at an Input has no Connected-to column nor input row", () => {
  const model = new Sequential([
    Input({ shape: [3], name: "seq_input" }),
    new layers.Dense(2, { name: "seq_dense" }),
  ], { name: "stack" });
  const text = withoutBackend(lines(model));
  assert.equal(text[2], "Layer (type)       Output Shape  Param #");
  assert.equal(text[4], "seq_dense (Dense)  (None, 2)     8");
  assert.ok(!text.join("\n").includes("Connected to"));
  assert.ok(!text.join("\n").includes("InputLayer"));
  model.dispose();
});
