import assert from "node:assert/strict";
import { layers, Sequential, tf } from "../../mod.ts";
import { blasStatus } from "../../backend/mod.ts";

/** What importing kerno prints in a child process with `env` (no other KERNO_* variable). */
async function importOutput(env: Record<string, string>): Promise<string> {
  const root = new URL("../../", import.meta.url).pathname;
  const script =
    `import { tf } from "${root}mod.ts"; const t = tf.tensor([1, 2]); await t.data(); t.dispose();`;
  const base: Record<string, string> = { NO_COLOR: "1" };
  for (const name of ["HOME", "PATH", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR", "LD_LIBRARY_PATH"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) base[name] = value;
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", `${root}deno.json`, script],
    cwd: root,
    clearEnv: true,
    env: { ...base, ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
  return text;
}

Deno.test("importing kerno prints nothing with BLAS (no TensorFlow.js Node.js banner), else only the fallback line", async () => {
  // The child sees this process's KERNO_BLAS, so it finds BLAS exactly when this process did.
  const blasEnv = Deno.env.get("KERNO_BLAS");
  const status = blasStatus();
  const expected = status.available ? "" : `kerno: ${status.reason}; using the "cpu" backend\n`;
  assert.equal(await importOutput(blasEnv === undefined ? {} : { KERNO_BLAS: blasEnv }), expected);
});

Deno.test("importing kerno with KERNO_BLAS=none prints exactly the one fallback line", async () => {
  assert.equal(
    await importOutput({ KERNO_BLAS: "none" }),
    'kerno: BLAS not loaded (KERNO_BLAS=none); using the "cpu" backend\n',
  );
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
