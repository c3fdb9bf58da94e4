/**
 * The reference frameworks, run as subprocesses on the shared anchor
 * scripts (`../shared/bench/` next to the repository): TensorFlow.js Layers
 * (`tfjs_layers_anchor.ts`) and PyTorch (`torch_anchor.py`, through
 * `/usr/bin/python3` when it can import torch). Each prints one JSON line per
 * workload; they are parsed here.
 *
 * @module
 */

/** One anchor result line (or the reason there is none). */
export interface AnchorResult {
  /** The workload. */
  workload: string;
  /** The framework and its configuration, e.g. `pytorch-1.13.0a0 (1 thread)`. */
  framework: string;
  /** Samples per second, when it ran. */
  samplesPerSecond?: number;
  /** Why there is no number. */
  error?: string;
}

/** The repository's root (this file is in `bench/`). */
export const REPO_ROOT: URL = new URL("../", import.meta.url);
/** The anchors' folder, `../shared/bench/` from the repository's root. */
export const ANCHOR_DIR: URL = new URL("../shared/bench/", REPO_ROOT);

async function exists(url: URL): Promise<boolean> {
  try {
    await Deno.stat(url);
    return true;
  } catch {
    return false;
  }
}

async function runLines(
  cmd: string,
  args: string[],
  timeoutS: number,
): Promise<{ ok: boolean; lines: string[]; stderr: string }> {
  const command = new Deno.Command(cmd, {
    args,
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutS * 1000),
  });
  try {
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

function parse(lines: string[], suffix: string): AnchorResult[] {
  return lines.map((line) => {
    const r = JSON.parse(line) as Record<string, unknown>;
    return {
      workload: String(r.workload),
      framework: `${r.framework}${suffix}`,
      samplesPerSecond: typeof r.samples_per_s === "number" ? r.samples_per_s : undefined,
      error: typeof r.error === "string" ? r.error : undefined,
    };
  });
}

function lastLine(text: string): string {
  return text.trim().split("\n").slice(-1)[0] ?? "";
}

/**
 * TensorFlow.js Layers on a backend, through the shared anchor script.
 *
 * @param backend `"cpu"` or `"wasm"`.
 * @param only The workloads.
 * @param budget Seconds of timed steps per workload.
 * @returns One result per workload (an `error` when the anchor is missing or failed).
 */
export async function tfjsAnchor(
  backend: string,
  only: string[],
  budget: number,
): Promise<AnchorResult[]> {
  const framework = `tfjs-layers-${backend}`;
  const script = new URL("tfjs_layers_anchor.ts", ANCHOR_DIR);
  if (!(await exists(script))) {
    return only.map((workload) => ({ workload, framework, error: "anchor not found" }));
  }
  const args = [
    "run",
    "-A",
    "--node-modules-dir=auto",
    "../shared/bench/tfjs_layers_anchor.ts",
    backend,
    `--only=${only.join(",")}`,
    `--budget=${budget}`,
  ];
  const { lines, stderr } = await runLines(Deno.execPath(), args, 120 + budget * only.length * 3);
  const results = parse(lines, "");
  return only.map((workload) =>
    results.find((r) => r.workload === workload) ??
      { workload, framework, error: `no result: ${lastLine(stderr)}` }
  );
}

/**
 * Whether `/usr/bin/python3` can import torch.
 *
 * @returns The answer.
 */
export async function torchAvailable(): Promise<boolean> {
  const { ok } = await runLines("/usr/bin/python3", ["-c", "import torch"], 60);
  return ok;
}

/**
 * PyTorch through the shared anchor script.
 *
 * @param threads Intra-op threads.
 * @param only The workloads.
 * @param repeats Timed epochs (best counts).
 * @returns One result per workload.
 */
export async function torchAnchor(
  threads: number,
  only: string[],
  repeats: number,
): Promise<AnchorResult[]> {
  const framework = `pytorch (${threads} thread${threads > 1 ? "s" : ""})`;
  const script = new URL("torch_anchor.py", ANCHOR_DIR);
  if (!(await exists(script))) {
    return only.map((workload) => ({ workload, framework, error: "anchor not found" }));
  }
  const args = [
    "../shared/bench/torch_anchor.py",
    "--threads",
    String(threads),
    "--repeats",
    String(repeats),
    "--only",
    only.join(","),
  ];
  const { lines, stderr } = await runLines("/usr/bin/python3", args, 900);
  const results = parse(lines, ` (${threads} thread${threads > 1 ? "s" : ""})`);
  return only.map((workload) =>
    results.find((r) => r.workload === workload) ??
      { workload, framework, error: `no result: ${lastLine(stderr)}` }
  );
}
