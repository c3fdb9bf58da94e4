/**
 * The reference frameworks, run as subprocesses on the repository's own
 * anchor scripts, next to this file: PyTorch (`bench/torch_anchor.py`,
 * through the first Python that can import torch) and TensorFlow.js Layers
 * (`bench/tfjs_layers_anchor.ts`). Each prints one JSON line per workload;
 * they are parsed here. Both time a workload as `bench/workloads.ts` times
 * kerno: one warm-up epoch, then a number of timed epochs ("passes"), the
 * fastest of which counts.
 *
 * When PyTorch or OpenBLAS is missing, {@link installHint} says how to
 * install it.
 *
 * @module
 */
import { readEnv } from "../backend/_blas.ts";

/** One anchor result line (or the reason there is none). */
export interface AnchorResult {
  /** The workload. */
  workload: string;
  /** The framework and its configuration, e.g. `pytorch-1.13.0a0 (1 thread)`. */
  framework: string;
  /** Samples per second of the fastest timed pass, when it ran. */
  samplesPerSecond?: number;
  /** Milliseconds per step of the fastest pass. */
  stepMs?: number;
  /** Steps in one pass (one epoch). */
  steps?: number;
  /** Timed passes. */
  passes?: number;
  /** Steps of warm-up before the timed passes. */
  warmupSteps?: number;
  /** Seconds of every timed pass. */
  passSeconds?: number[];
  /**
   * Set when the token embedding was frozen (`trainable: false`), so the
   * figure leaves its gradient out (TensorFlow.js's bounded lstm run).
   */
  frozenEmbedding?: boolean;
  /** Why there is no number. */
  error?: string;
}

/** Every workload the anchor scripts define (`bench/run.ts` times them all). */
export const ANCHOR_WORKLOADS = [
  "mlp",
  "cnn",
  "embedding",
  "autoencoder",
  "lstm",
  "transformer",
] as const;

/** The repository's root (this file is in `bench/`). */
export const REPO_ROOT: URL = new URL("../", import.meta.url);
/** The anchors' folder: `bench/`, this file's own. */
export const ANCHOR_DIR: URL = new URL("./", import.meta.url);
/** The PyTorch anchor, relative to {@link REPO_ROOT}. */
export const TORCH_ANCHOR = "bench/torch_anchor.py";
/** The TensorFlow.js Layers anchor, relative to {@link REPO_ROOT}. */
export const TFJS_ANCHOR = "bench/tfjs_layers_anchor.ts";

/** What {@link installHint} can explain. */
export type Missing = "torch" | "openblas";

/**
 * How to install what the benchmark lacks, for the platform.
 *
 * @param what `"torch"` (no Python here can `import torch`) or `"openblas"`
 *   (kerno found no CBLAS and ran on the `"cpu"` backend).
 * @param os The platform. @default {Deno.build.os}
 * @returns One or two sentences with the install command.
 * @example
 * ```ts
 * import { installHint } from "./anchors.ts";
 * console.log(installHint("torch", "linux")); // "PyTorch is not installed … apt-get install python3-torch …"
 * ```
 */
export function installHint(what: Missing, os: string = Deno.build.os): string {
  if (what === "torch") {
    const how = os === "linux"
      ? "install it with `apt-get install python3-torch` (Debian, Ubuntu) or `pip install torch`"
      : os === "darwin"
      ? "install it with `pip3 install torch`"
      : "install it with `pip install torch`";
    return `PyTorch is not installed (no python3 here can \`import torch\`): ${how}; ` +
      "KERNO_PYTHON=/path/to/python picks the interpreter.";
  }
  const how = os === "linux"
    ? "install it with `apt-get install libopenblas0-pthread` (Debian, Ubuntu) or " +
      "`dnf install openblas` (Fedora)"
    : os === "darwin"
    ? "install it with `brew install openblas`"
    : "download OpenBLAS for Windows and set KERNO_BLAS to its libopenblas.dll";
  return `OpenBLAS was not found, so kerno ran on its slow "cpu" backend: ${how}; ` +
    "KERNO_BLAS=/path/to/libopenblas picks the library.";
}

/**
 * The OpenBLAS hint when kerno's backend is not its own for want of a
 * library (not when `KERNO_BACKEND` or `KERNO_BLAS=none` chose so).
 *
 * @param backend The active backend, `getBackend()`.
 * @param env Reads an environment variable. @default {Deno.env.get, when permitted}
 * @returns The hint, or `undefined` when none is due.
 */
export function openblasHint(
  backend: string,
  env: (name: string) => string | undefined = readEnv,
): string | undefined {
  if (backend === "kerno" || env("KERNO_BACKEND") !== undefined) return undefined;
  if (env("KERNO_BLAS") === "none") return undefined;
  return installHint("openblas");
}

async function runLines(
  cmd: string,
  args: string[],
  timeoutS: number,
): Promise<{ ok: boolean; lines: string[]; stderr: string }> {
  try {
    const command = new Deno.Command(cmd, {
      args,
      cwd: REPO_ROOT,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(timeoutS * 1000),
    });
    const out = await command.output();
    const text = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    return {
      ok: out.success,
      lines: text.split("\n").filter((l) => l.trim().startsWith("{")),
      stderr,
    };
  } catch (e) {
    return { ok: false, lines: [], stderr: (e as Error).message };
  }
}

/**
 * Reads the anchors' JSON lines.
 *
 * @param lines One JSON object per line.
 * @param suffix Appended to each framework's name.
 * @returns The results.
 */
export function parseAnchorLines(lines: string[], suffix = ""): AnchorResult[] {
  return lines.flatMap((line) => {
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line);
    } catch {
      return [];
    }
    const num = (v: unknown) => typeof v === "number" ? v : undefined;
    return [{
      workload: String(r.workload),
      framework: `${r.framework}${suffix}`,
      samplesPerSecond: num(r.samples_per_s),
      stepMs: num(r.step_ms),
      steps: num(r.steps),
      passes: num(r.passes),
      warmupSteps: num(r.warmup_steps),
      passSeconds: Array.isArray(r.pass_s)
        ? r.pass_s.filter((s) => typeof s === "number")
        : undefined,
      error: typeof r.error === "string" ? r.error : undefined,
      ...(r.frozen_embedding === true ? { frozenEmbedding: true } : {}),
    }];
  });
}

function lastLine(text: string): string {
  return text.trim().split("\n").slice(-1)[0] ?? "";
}

function fill(
  only: string[],
  framework: string,
  results: AnchorResult[],
  stderr: string,
): AnchorResult[] {
  return only.map((workload) =>
    results.find((r) => r.workload === workload) ??
      { workload, framework, error: `no result: ${lastLine(stderr) || "the anchor exited"}` }
  );
}

/**
 * TensorFlow.js Layers on a backend, through `bench/tfjs_layers_anchor.ts`
 * (run with `--no-lock`, so the repository's lock file stays as it is).
 *
 * @param backend `"cpu"` or `"wasm"`.
 * @param only The workloads.
 * @param passes Timed epochs after the warm-up epoch; the fastest counts.
 * @param samples Samples per epoch instead of each workload's own, for a quick check.
 * @param freezeEmbedding Build the token embeddings with `trainable: false`
 *   (`--freeze-embedding`): times the layers after them, as the Embedding's
 *   gradient takes TensorFlow.js's cpu backend minutes a step and its wasm
 *   backend has none. @default false
 * @returns One result per workload (an `error` when the anchor failed).
 */
export async function tfjsAnchor(
  backend: string,
  only: string[],
  passes: number,
  samples?: number,
  freezeEmbedding = false,
): Promise<AnchorResult[]> {
  const framework = `tfjs-layers-${backend}`;
  const args = [
    "run",
    "-A",
    "--no-lock",
    TFJS_ANCHOR,
    backend,
    `--only=${only.join(",")}`,
    `--passes=${passes}`,
    ...(samples === undefined ? [] : [`--samples=${samples}`]),
    ...(freezeEmbedding ? ["--freeze-embedding"] : []),
  ];
  const timeoutS = 300 + 120 * (passes + 1) * only.length;
  const { lines, stderr } = await runLines(Deno.execPath(), args, timeoutS);
  return fill(only, framework, parseAnchorLines(lines), stderr);
}

/**
 * The Python interpreters to try for PyTorch, in order: `KERNO_PYTHON`,
 * `python3` on the path, then the system's `/usr/bin/python3` (Debian's
 * python3-torch is installed there, a virtual environment's python may lack it).
 *
 * @returns The candidates, without repeats.
 */
export function pythonCandidates(): string[] {
  const names = [readEnv("KERNO_PYTHON"), "python3", "/usr/bin/python3"];
  if (Deno.build.os === "windows") names.push("python", "py");
  return [...new Set(names.filter((n): n is string => n !== undefined))];
}

/**
 * The first Python that can import torch.
 *
 * @param candidates Interpreters to try. @default {pythonCandidates()}
 * @returns The interpreter and torch's version, or `null` when none can.
 */
export async function findTorchPython(
  candidates: string[] = pythonCandidates(),
): Promise<{ python: string; version: string } | null> {
  for (const python of candidates) {
    const { ok, lines } = await runLines(python, [
      "-c",
      'import json, torch; print(json.dumps({"version": torch.__version__}))',
    ], 120);
    if (ok && lines.length > 0) {
      return { python, version: String(JSON.parse(lines[0]).version) };
    }
  }
  return null;
}

/**
 * The Python to run the PyTorch anchor with, or how to install PyTorch when
 * no candidate can import it.
 *
 * @param candidates Interpreters to try. @default {pythonCandidates()}
 * @returns `{ python, version }`, or `{ hint }` ({@link installHint}`("torch")`).
 */
export async function torchOrHint(
  candidates: string[] = pythonCandidates(),
): Promise<{ python: string; version: string } | { hint: string }> {
  return (await findTorchPython(candidates)) ?? { hint: installHint("torch") };
}

/**
 * PyTorch through `bench/torch_anchor.py`.
 *
 * @param python An interpreter that imports torch ({@link findTorchPython}).
 * @param threads Intra-op threads.
 * @param only The workloads.
 * @param passes Timed epochs after the warm-up epoch; the fastest counts.
 * @param samples Samples per epoch instead of each workload's own, for a quick check.
 * @returns One result per workload.
 */
export async function torchAnchor(
  python: string,
  threads: number,
  only: string[],
  passes: number,
  samples?: number,
): Promise<AnchorResult[]> {
  const suffix = ` (${threads} thread${threads > 1 ? "s" : ""})`;
  const args = [
    TORCH_ANCHOR,
    "--threads",
    String(threads),
    "--passes",
    String(passes),
    "--only",
    only.join(","),
    ...(samples === undefined ? [] : ["--samples", String(samples)]),
  ];
  const timeoutS = 300 + 60 * (passes + 1) * only.length;
  const { lines, stderr } = await runLines(python, args, timeoutS);
  return fill(only, `pytorch${suffix}`, parseAnchorLines(lines, suffix), stderr);
}
