/**
 * `deno task bench`: kerno's training speed next to TensorFlow.js Layers and
 * PyTorch on six workloads (mlp, cnn, embedding, autoencoder, lstm,
 * transformer), all in
 * one run, plus raw matrix-product GFLOP/s and `predict` throughput. The mlp
 * and cnn workloads are also built with the functional API (`Input`,
 * `layer.apply`, `new Model({ inputs, outputs })`) and timed beside their
 * `Sequential` twins, in the same stretch of the run. Prints the tables and
 * writes the same as JSON to `bench/results/latest.json`. The anchors are
 * this folder's own scripts (`torch_anchor.py`, `tfjs_layers_anchor.ts`);
 * a missing PyTorch or OpenBLAS is reported with the command that installs it.
 *
 * Options: `--only=mlp,cnn,embedding,autoencoder,lstm,transformer`, `--quick` (fewer
 * passes, for a smoke test), `--no-anchors` (kerno only), `--no-functional`
 * (skip the functional variants), `--out=PATH` (write the JSON there
 * instead), `--backend=kerno|cpu|webgpu` (or `--backend webgpu`; default:
 * kerno's automatic choice). On `webgpu` the header names the WebGPU
 * adapter (vendor, architecture, device, description, fallback or
 * hardware), `predict` and the matrix products are read with `await
 * data()`, and the anchors do not run unless `--anchors` asks (they run on
 * the CPU). Every figure, kerno's and the anchors', is the fastest of the
 * same number of timed epochs, each run after a warm-up epoch; kerno's are
 * split into two runs, before and after the anchors, as the machine's load
 * drifts. TensorFlow.js Layers runs mlp in full; on lstm it runs bounded
 * ({@link TFJS_BOUNDED}: a few steps per pass, and the embedding frozen, as
 * its gradient takes TensorFlow.js's cpu backend over 7 minutes a step and
 * its wasm backend has none), reported in samples/s and marked so; it does
 * not run cnn, embedding or transformer (minutes per step on cpu, no
 * gradients for convolutions and embeddings on wasm).
 *
 * @module
 */
import { getBackend, setBackend, tf } from "../mod.ts";
import { readsDeferred } from "../engine/_reads.ts";
import { webgpuAdapter } from "../backend/select.ts";
import { parseBenchArgs } from "./args.ts";
import {
  buildWorkload,
  disposeWorkload,
  type FitTiming,
  FUNCTIONAL_WORKLOADS,
  OWN_API,
  SIZES,
  timeFit,
  timePredict,
  timePredictAsync,
  type WorkloadApi,
  type WorkloadName,
} from "./workloads.ts";
import { benchMatMul, benchMatMulAsync, type MatMulResult } from "./matmul.ts";
import {
  type AnchorResult,
  installHint,
  openblasHint,
  tfjsAnchor,
  torchAnchor,
  torchOrHint,
} from "./anchors.ts";

const args = Deno.args;
const parsed = parseBenchArgs(args);
const { quick, only, noFunctional } = parsed;
const noAnchors = !parsed.anchors;
/** Where the JSON goes, relative to the working directory; `--out=PATH`. */
const outArg = parsed.out;
if (parsed.backend !== undefined) await setBackend(parsed.backend);
/** Whether values are read with `await data()` (webgpu on Deno): predict and matMul then await. */
const deferred = readsDeferred();
/** Timed passes (epochs) behind every figure, kerno's and each anchor's alike. */
const passes = quick ? 2 : 6;
/** kerno's passes per run: all at once, or half before and half after the anchors. */
const kernoRun = noAnchors ? passes : passes / 2;
const predictRepeats = quick ? 1 : 3;
const stepsPerPass = (name: WorkloadName) => Math.ceil(SIZES[name].samples / SIZES[name].batchSize);
/** The workloads timed with the functional API too. */
const functionalOnes = noFunctional ? [] : only.filter((n) => FUNCTIONAL_WORKLOADS.includes(n));

const cpuModel = (() => {
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    return /model name\s*:\s*(.*)/.exec(info)?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
})();
const machine = `${navigator.hardwareConcurrency} cores, ${cpuModel}, ${Deno.build.os}`;
/** The WebGPU adapter, when the benchmark runs on webgpu. */
const adapter = getBackend() === "webgpu" ? await webgpuAdapter() : null;
/** One line naming the adapter: vendor, architecture, device, description, fallback or hardware. */
const adapterLine = adapter === null ? undefined : `WebGPU adapter: ${
  [
    `vendor "${adapter.vendor}"`,
    `architecture "${adapter.architecture}"`,
    `device "${adapter.device}"`,
    `description "${adapter.description}"`,
  ].join(", ")
}; ${
  adapter.isFallbackAdapter ? "a fallback (software) adapter" : "a hardware (not fallback) adapter"
}`;
console.log(`kerno bench — backend "${getBackend()}", ${machine}, deno ${Deno.version.deno}`);
if (adapterLine !== undefined) console.log(adapterLine);
console.log(`command: deno task bench ${args.join(" ")}`.trim());
if (parsed.anchorsSkipped !== undefined) console.log(`anchors not run: ${parsed.anchorsSkipped}`);
// the hint is about kerno's CPU backend falling back to "cpu"; not when a backend was asked for
const blasHint = parsed.backend === undefined ? openblasHint(getBackend()) : undefined;
if (blasHint !== undefined) console.log(blasHint);

type KernoTiming = FitTiming & { predictPerSecond?: number };

/**
 * TensorFlow.js Layers' bounded runs, on its cpu and wasm backends: `samples`
 * samples per pass (a few steps of the workload's batch), best of `passes`
 * passes after a one-pass warm-up, the rate in samples/s; the token
 * embedding is frozen (`trainable: false`), as its gradient takes the cpu
 * backend over 7 minutes and up to 20 GB a step of lstm (wasm has no such
 * gradient). So the figure is TensorFlow.js's LSTM, Dense and Adam, above
 * what the whole workload could reach there: about 2 s a step on cpu and
 * 0.5 s on wasm, on 2 cores.
 */
const TFJS_BOUNDED: Partial<Record<WorkloadName, { samples: number; passes: number }>> = {
  lstm: { samples: 128, passes: quick ? 1 : 2 },
};
const boundedNote = (name: WorkloadName) => {
  const bound = TFJS_BOUNDED[name]!;
  return `bounded: ${bound.samples} samples (${
    Math.ceil(bound.samples / SIZES[name].batchSize)
  } steps) per pass, best of ${bound.passes} passes after a one-pass warm-up, ` +
    `embedding frozen (its gradient takes TF.js cpu over 7 min a step; wasm has none)`;
};

/** Builds, times (and, for mlp, times `predict` on) one workload, then frees it. */
async function timeKerno(name: WorkloadName, api: WorkloadApi, predict: boolean) {
  const w = buildWorkload(name, undefined, api);
  const timing: KernoTiming = await timeFit(w, kernoRun);
  if (predict && name === "mlp") {
    timing.predictPerSecond = deferred
      ? await timePredictAsync(w, 256, predictRepeats)
      : timePredict(w, 256, predictRepeats);
  }
  disposeWorkload(w);
  return timing;
}

/** The functional twin of a Sequential workload is labelled so; a workload's own API is not. */
const isTwin = (name: WorkloadName, api: WorkloadApi) => api !== OWN_API[name];
const label = (name: WorkloadName, api: WorkloadApi) =>
  isTwin(name, api) ? `${name} (${api})` : name;

// kerno's training runs: each functional variant right after its Sequential twin.
const kerno: Record<string, KernoTiming> = {};
const kernoFunctional: Record<string, KernoTiming> = {};
for (const name of only) {
  const apis: WorkloadApi[] = functionalOnes.includes(name)
    ? ["sequential", "functional"]
    : [OWN_API[name]];
  for (const api of apis) {
    const timing = await timeKerno(name, api, true);
    (isTwin(name, api) ? kernoFunctional : kerno)[name] = timing;
    console.log(
      `kerno ${label(name, api)}: ${Math.round(timing.samplesPerSecond)} samples/s (${
        timing.stepMs.toFixed(3)
      } ms/step); epochs ${timing.epochSeconds.map((s) => s.toFixed(3)).join(" ")} s; ` +
        `numTensors ${timing.numTensors.join(" ")}; rss MB ${timing.rssMb.join(" ")}`,
    );
  }
}
if (kerno.mlp?.predictPerSecond !== undefined) {
  console.log(`kerno mlp predict: ${Math.round(kerno.mlp.predictPerSecond)} samples/s (batch 256)`);
}
if (kernoFunctional.mlp?.predictPerSecond !== undefined) {
  console.log(
    `kerno mlp (functional) predict: ${
      Math.round(kernoFunctional.mlp.predictPerSecond)
    } samples/s (batch 256)`,
  );
}

// Raw matrix products.
const matmul: MatMulResult[] = deferred
  ? await benchMatMulAsync([256, 512, 1024, 2048], quick ? 0.2 : 0.6)
  : benchMatMul([256, 512, 1024, 2048], quick ? 0.2 : 0.6);
console.log(
  `\nmatMul n×n      kerno GFLOP/s   sgemm GFLOP/s   kerno/sgemm${
    deferred ? ` (kerno: on "${getBackend()}", read with await data(); sgemm: the CPU)` : ""
  }`,
);
for (const r of matmul) {
  const ratio = r.direct === null ? "-" : (r.kerno / r.direct).toFixed(2);
  console.log(
    `  ${String(r.size).padEnd(14)}${r.kerno.toFixed(1).padStart(12)}${
      (r.direct?.toFixed(1) ?? "no BLAS").padStart(16)
    }${ratio.padStart(14)}`,
  );
}

// The anchors.
const anchors: AnchorResult[] = [];
const TORCH_MISSING = "PyTorch not installed";
if (!noAnchors) {
  const tfjsOnly = only.filter((n) => n === "mlp"); // cnn/embedding take minutes per step on cpu
  if (tfjsOnly.length > 0) {
    console.log("\nrunning TensorFlow.js Layers (cpu, wasm) on mlp …");
    anchors.push(...await tfjsAnchor("cpu", tfjsOnly, passes));
    anchors.push(...await tfjsAnchor("wasm", tfjsOnly, passes));
  }
  for (const name of only) {
    const bound = TFJS_BOUNDED[name];
    if (bound === undefined) continue;
    console.log(`running TensorFlow.js Layers (cpu, wasm) on ${name}, ${boundedNote(name)} …`);
    for (const backend of ["cpu", "wasm"]) {
      anchors.push(...await tfjsAnchor(backend, [name], bound.passes, bound.samples, true));
    }
  }
  const torch = await torchOrHint();
  if ("python" in torch) {
    console.log(`running PyTorch ${torch.version} (${torch.python}; 1 and 2 threads) …`);
    anchors.push(...await torchAnchor(torch.python, 1, only, passes));
    anchors.push(...await torchAnchor(torch.python, 2, only, passes));
  } else {
    console.log(torch.hint);
    for (const workload of only) {
      anchors.push({ workload, framework: "pytorch", error: TORCH_MISSING });
    }
  }
}

// kerno again, after the anchors: the machine is shared and its load drifts,
// so each side gets its best epochs from the same stretch of time. The
// functional variants go first this time, so neither API always runs first.
if (!noAnchors) {
  for (const name of only) {
    const apis: WorkloadApi[] = functionalOnes.includes(name)
      ? ["functional", "sequential"]
      : [OWN_API[name]];
    for (const api of apis) {
      const timings = isTwin(name, api) ? kernoFunctional : kerno;
      const again = await timeKerno(name, api, false);
      const first = timings[name];
      console.log(
        `kerno ${label(name, api)} (second pass): ${
          Math.round(again.samplesPerSecond)
        } samples/s; ` +
          `numTensors ${again.numTensors.join(" ")}; rss MB ${again.rssMb.join(" ")}`,
      );
      if (again.samplesPerSecond > first.samplesPerSecond) {
        timings[name] = { ...again, predictPerSecond: first.predictPerSecond };
      }
      timings[name].epochSeconds = [...first.epochSeconds, ...again.epochSeconds];
    }
  }
}

// The table.
const find = (workload: string, prefix: string, suffix = "") =>
  anchors.find((a) =>
    a.workload === workload && a.framework.startsWith(prefix) && a.framework.endsWith(suffix)
  );
/** Whether an anchor's figure comes from a bounded run ({@link TFJS_BOUNDED}). */
const isBounded = (a: AnchorResult) => a.frozenEmbedding === true;
const cell = (a: AnchorResult | undefined) =>
  a === undefined
    ? "not run"
    : a.samplesPerSecond !== undefined
    ? `${Math.round(a.samplesPerSecond)}${isBounded(a) ? " (bounded)" : ""}`
    : a.error === TORCH_MISSING
    ? "not installed"
    : "error";
const ratio = (x: number, a: AnchorResult | undefined) =>
  a?.samplesPerSecond ? x / a.samplesPerSecond : null;
const TARGETS: Record<WorkloadName, number> = {
  mlp: 1,
  cnn: 1,
  embedding: 1,
  autoencoder: 1,
  lstm: 1,
  transformer: 1,
};

const rows = only.map((name) => {
  const k = kerno[name].samplesPerSecond;
  const t1 = find(name, "pytorch", "(1 thread)");
  const t2 = find(name, "pytorch", "(2 threads)");
  const torchBest = [t1, t2].filter((a) => a?.samplesPerSecond)
    .sort((a, b) => b!.samplesPerSecond! - a!.samplesPerSecond!)[0];
  const cpu = find(name, "tfjs-layers", "-cpu");
  const wasm = find(name, "tfjs-layers", "-wasm");
  return {
    workload: name,
    kerno: k,
    pytorch1: t1 ?? null,
    pytorch2: t2 ?? null,
    tfjsCpu: cpu ?? null,
    tfjsWasm: wasm ?? null,
    kernoOverPytorchBest: ratio(k, torchBest),
    kernoOverTfjsCpu: ratio(k, cpu),
    target: TARGETS[name],
    tfjsBounded: TFJS_BOUNDED[name] === undefined || noAnchors ? null : boundedNote(name),
  };
});

const header = ["workload", "kerno", "pytorch 1t", "pytorch 2t", "tfjs cpu", "tfjs wasm"];
const widths = [10, 10, 12, 12, 17, 17, 14, 12];
const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join("");
const stepsNote = only.map((n) => `${n} ${stepsPerPass(n)}`).join(", ");
console.log(
  `\nbackend "${getBackend()}"${
    adapter === null
      ? ""
      : ` on ${adapter.description} (${adapter.isFallbackAdapter ? "fallback" : "hardware"})`
  }${noAnchors ? `; anchors not run (${parsed.anchorsSkipped})` : ""}`,
);
console.log(
  `samples/s; each figure: best of ${passes} timed passes of one epoch (steps: ${stepsNote}) ` +
    `after a one-epoch warm-up, kerno and anchors alike` +
    (noAnchors
      ? ""
      : ` (kerno's ${passes} in two runs of ${kernoRun}, before and after the anchors)`),
);
console.log(line([...header, "kerno/pt-best", "kerno/tfjs"]));
for (const r of rows) {
  console.log(line([
    r.workload,
    String(Math.round(r.kerno)),
    cell(r.pytorch1 ?? undefined),
    cell(r.pytorch2 ?? undefined),
    cell(r.tfjsCpu ?? undefined),
    cell(r.tfjsWasm ?? undefined),
    r.kernoOverPytorchBest === null ? "-" : `${r.kernoOverPytorchBest.toFixed(2)}× (≥${r.target})`,
    r.kernoOverTfjsCpu === null
      ? "-"
      // A bounded figure is above what TF.js reaches on the whole workload: the ratio is a floor.
      : `${r.tfjsBounded === null ? "" : "≥"}${r.kernoOverTfjsCpu.toFixed(0)}×`,
  ]));
}
for (const a of anchors.filter((a) => a.error !== undefined)) {
  console.log(`  ${a.framework} ${a.workload}: ${a.error}`);
}
for (const r of rows.filter((r) => r.tfjsBounded !== null)) {
  console.log(`  tfjs-layers ${r.workload}: ${r.tfjsBounded}`);
}
for (const a of anchors.filter((a) => a.samplesPerSecond !== undefined && !isBounded(a))) {
  const steps = stepsPerPass(a.workload as WorkloadName);
  if (a.passes !== passes || a.steps !== steps || a.warmupSteps !== steps) {
    console.log(
      `  ${a.framework} ${a.workload}: timed differently (passes ${a.passes}, steps ${a.steps}, ` +
        `warm-up steps ${a.warmupSteps}; expected ${passes}, ${steps}, ${steps})`,
    );
  }
}
if (anchors.some((a) => a.error === TORCH_MISSING)) console.log(`  ${installHint("torch")}`);
if (blasHint !== undefined) console.log(`  ${blasHint}`);

// Sequential next to functional: the same layers, timed alike, in the same run.
const functionalRows = functionalOnes.map((name) => ({
  workload: name,
  sequential: kerno[name].samplesPerSecond,
  functional: kernoFunctional[name].samplesPerSecond,
  functionalOverSequential: kernoFunctional[name].samplesPerSecond / kerno[name].samplesPerSecond,
  sequentialPredict: kerno[name].predictPerSecond ?? null,
  functionalPredict: kernoFunctional[name].predictPerSecond ?? null,
}));
if (functionalRows.length > 0) {
  console.log(
    `\nkerno, Sequential vs functional (Input + layer.apply + new Model), same layers; samples/s, ` +
      `best of ${passes} passes each`,
  );
  const fWidths = [10, 12, 12, 24];
  const fLine = (cells: string[]) => cells.map((c, i) => c.padStart(fWidths[i])).join("");
  console.log(fLine(["workload", "sequential", "functional", "functional/sequential"]));
  for (const r of functionalRows) {
    console.log(fLine([
      r.workload,
      String(Math.round(r.sequential)),
      String(Math.round(r.functional)),
      `${r.functionalOverSequential.toFixed(2)}×`,
    ]));
  }
}

const result = {
  date: new Date().toISOString(),
  machine,
  backend: getBackend(),
  adapter,
  command: `deno task bench ${args.join(" ")}`.trim(),
  passes,
  warmup: "one epoch",
  kerno,
  kernoFunctional,
  anchors,
  table: rows,
  functionalTable: functionalRows,
  matmul,
  numTensorsNow: tf.memory().numTensors,
};
const file = outArg ?? new URL("./results/latest.json", import.meta.url);
await Deno.mkdir(
  outArg === undefined ? new URL("./", file) : outArg.replace(/[^/\\]*$/, "") || ".",
  { recursive: true },
);
await Deno.writeTextFile(file, JSON.stringify(result, null, 2) + "\n");
console.log(`\nwrote ${outArg ?? "bench/results/latest.json"}`);
