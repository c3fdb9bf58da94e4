import assert from "node:assert/strict";
import {
  ANCHOR_DIR,
  ANCHOR_WORKLOADS,
  findTorchPython,
  installHint,
  openblasHint,
  parseAnchorLines,
  torchAnchor,
  torchOrHint,
} from "../../bench/anchors.ts";

const BENCH = new URL("../../bench/", import.meta.url);

Deno.test("the anchor scripts live in bench/ and nothing in bench/ reaches for ../shared", async () => {
  assert.equal(ANCHOR_DIR.href, BENCH.href);
  for (const script of ["torch_anchor.py", "tfjs_layers_anchor.ts"]) {
    const info = await Deno.stat(new URL(script, BENCH));
    assert.ok(info.isFile && info.size > 0, script);
  }
  for (const file of ["anchors.ts", "run.ts", "workloads.ts"]) {
    const source = await Deno.readTextFile(new URL(file, BENCH));
    assert.ok(!source.includes("../shared"), `${file} mentions ../shared`);
    assert.ok(!source.includes("shared/bench"), `${file} mentions shared/bench`);
  }
});

Deno.test("both anchors define all six workloads and take the same timing options", async () => {
  assert.deepEqual(
    [...ANCHOR_WORKLOADS],
    ["mlp", "cnn", "embedding", "autoencoder", "lstm", "transformer"],
  );
  const torch = await Deno.readTextFile(new URL("torch_anchor.py", BENCH));
  const tfjs = await Deno.readTextFile(new URL("tfjs_layers_anchor.ts", BENCH));
  for (const name of ANCHOR_WORKLOADS) {
    assert.ok(torch.includes(`name == "${name}"`), `torch_anchor.py lacks ${name}`);
    assert.ok(tfjs.includes(`name === "${name}"`), `tfjs_layers_anchor.ts lacks ${name}`);
  }
  for (const option of ["--passes", "--only", "--samples"]) {
    assert.ok(torch.includes(`"${option}"`), `torch_anchor.py lacks ${option}`);
    assert.ok(tfjs.includes(`"${option}=`), `tfjs_layers_anchor.ts lacks ${option}`);
  }
});

Deno.test("installHint says how to install PyTorch and OpenBLAS", () => {
  assert.match(installHint("torch", "linux"), /apt-get install python3-torch/);
  assert.match(installHint("torch", "linux"), /pip install torch/);
  assert.match(installHint("torch", "darwin"), /pip3 install torch/);
  assert.match(installHint("torch", "windows"), /pip install torch/);
  assert.match(installHint("openblas", "linux"), /apt-get install libopenblas0-pthread/);
  assert.match(installHint("openblas", "darwin"), /brew install openblas/);
  assert.match(installHint("openblas", "windows"), /KERNO_BLAS/);
  for (const what of ["torch", "openblas"] as const) {
    assert.ok(!/not found$|anchor not found/.test(installHint(what)), what);
  }
});

Deno.test("a Python without torch gives the install hint, not 'anchor not found'", async () => {
  const missing = ["/nonexistent/kerno-test/python3"];
  assert.equal(await findTorchPython(missing), null);
  const answer = await torchOrHint(missing);
  assert.ok("hint" in answer);
  assert.equal(answer.hint, installHint("torch"));
  assert.match(answer.hint, /PyTorch is not installed/);
});

Deno.test("openblasHint speaks only when kerno fell back for want of a library", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.equal(openblasHint("kerno", env({})), undefined);
  assert.equal(openblasHint("cpu", env({})), installHint("openblas"));
  assert.equal(openblasHint("cpu", env({ KERNO_BACKEND: "cpu" })), undefined);
  assert.equal(openblasHint("cpu", env({ KERNO_BLAS: "none" })), undefined);
});

Deno.test("parseAnchorLines reads results and errors, and skips noise", () => {
  const lines = [
    '{"workload":"mlp","framework":"pytorch-1.13","samples_per_s":100.5,"step_ms":2,' +
    '"steps":128,"passes":6,"warmup_steps":128,"pass_s":[1,2]}',
    '{"workload":"cnn","framework":"tfjs-layers-4.22.0-wasm","error":"no kernel"}',
    "{not json",
  ];
  const [a, b, ...rest] = parseAnchorLines(lines, " (1 thread)");
  assert.equal(rest.length, 0);
  assert.deepEqual(a, {
    workload: "mlp",
    framework: "pytorch-1.13 (1 thread)",
    samplesPerSecond: 100.5,
    stepMs: 2,
    steps: 128,
    passes: 6,
    warmupSteps: 128,
    passSeconds: [1, 2],
    error: undefined,
  });
  assert.equal(b.error, "no kernel");
  assert.equal(b.samplesPerSecond, undefined);
});

Deno.test("parseAnchorLines marks a run with the embedding frozen (TF.js's bounded lstm)", async () => {
  const [r] = parseAnchorLines([
    '{"workload":"lstm","framework":"tfjs-layers-4.22.0-cpu","samples_per_s":33.8,' +
    '"steps":2,"passes":2,"warmup_steps":2,"frozen_embedding":true}',
  ]);
  assert.equal(r.frozenEmbedding, true);
  assert.equal(r.samplesPerSecond, 33.8);
  const tfjs = await Deno.readTextFile(new URL("tfjs_layers_anchor.ts", BENCH));
  assert.ok(
    tfjs.includes('"--freeze-embedding"'),
    "tfjs_layers_anchor.ts lacks --freeze-embedding",
  );
  assert.ok(tfjs.includes("frozen_embedding: true"));
});

Deno.test("the PyTorch anchor times like kerno (runs only where torch is installed)", async () => {
  const torch = await findTorchPython();
  if (torch === null) return;
  const [r] = await torchAnchor(torch.python, 1, ["mlp"], 2, 128);
  assert.equal(r.error, undefined, r.error);
  assert.ok(r.samplesPerSecond! > 0);
  assert.equal(r.passes, 2);
  assert.equal(r.steps, 2);
  assert.equal(r.warmupSteps, 2);
  assert.equal(r.passSeconds?.length, 2);
});
