import assert from "node:assert/strict";
import { layers, Sequential, tf } from "../../mod.ts";

Deno.test("importing kerno prints nothing (no TensorFlow.js Node.js banner)", async () => {
  const root = new URL("../../", import.meta.url).pathname;
  const script =
    `import { tf } from "${root}mod.ts"; const t = tf.tensor([1, 2]); await t.data(); t.dispose();`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", `${root}deno.json`, script],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
  assert.equal(text, "");
});

Deno.test("fit warns when the validation split holds a single class", async () => {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
  try {
    // Sorted by class: the last 25% are all class 1.
    const x = tf.tensor2d([[0], [1], [2], [3], [4], [5], [6], [7]]);
    const y = tf.tensor2d([[0], [0], [0], [0], [0], [0], [1], [1]]);
    const model = new Sequential([new layers.Dense(1, { activation: "sigmoid", inputShape: [1] })]);
    model.compile({ optimizer: "sgd", loss: "bce" });
    await model.fit(x, y, { epochs: 1, validationSplit: 0.25, verbose: 0 });
    tf.dispose([x, y]);
    model.dispose();
  } finally {
    console.warn = original;
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /single class \(1\)[\s\S]*shuffle/);
});
