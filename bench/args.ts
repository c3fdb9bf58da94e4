/**
 * `deno task bench`'s command line, parsed without running anything: the
 * tests check it (`tests/bench/args_test.ts`) and `bench/run.ts` reads it.
 *
 * @module
 */
import { type WorkloadName, WORKLOADS } from "./workloads.ts";

/** The backends the benchmark can run on (`--backend`). */
export const BENCH_BACKENDS = ["kerno", "cpu", "webgpu"] as const;

/** One of {@link BENCH_BACKENDS}. */
export type BenchBackend = typeof BENCH_BACKENDS[number];

/**
 * The backends whose runs skip the anchors unless `--anchors` asks for them:
 * the anchors (PyTorch, TensorFlow.js Layers) run on the CPU, so beside a GPU
 * they would compare unlike things.
 */
export const GPU_BACKENDS: readonly BenchBackend[] = ["webgpu"];

/** What the command line asks for. */
export interface BenchArgs {
  /** `--backend=NAME` / `--backend NAME`, or `undefined` for kerno's automatic choice. */
  backend: BenchBackend | undefined;
  /** `--quick`: fewer passes, for a smoke test. */
  quick: boolean;
  /** Whether the anchors run: not with `--no-anchors`, nor on a GPU backend without `--anchors`. */
  anchors: boolean;
  /** Why the anchors do not run, when they do not (printed in the header). */
  anchorsSkipped: string | undefined;
  /** `--no-functional`: skip the functional variants. */
  noFunctional: boolean;
  /** `--only=a,b`: the workloads, in the order given; every one by default. */
  only: WorkloadName[];
  /** `--out=PATH`, or `undefined` for `bench/results/latest.json`. */
  out: string | undefined;
}

/**
 * Parses the benchmark's arguments.
 *
 * @param args The arguments, e.g. `Deno.args`.
 * @returns What they ask for.
 * @throws {RangeError} On an unknown `--backend` value (the error names it and
 *   the choices), a `--backend` without a value, or an unknown workload in `--only`.
 * @example
 * ```ts
 * import { parseBenchArgs } from "./args.ts";
 * const a = parseBenchArgs(["--backend", "webgpu", "--quick", "--only=mlp"]);
 * console.log(a.backend, a.anchors); // "webgpu" false
 * ```
 */
export function parseBenchArgs(args: readonly string[]): BenchArgs {
  let backend: BenchBackend | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let value: string | undefined;
    if (a.startsWith("--backend=")) value = a.slice("--backend=".length);
    else if (a === "--backend") {
      value = args[i + 1];
      if (value === undefined || value.startsWith("--")) {
        throw new RangeError(
          `Cannot run the benchmark as "--backend" needs a value: expected one of ${choices()}`,
        );
      }
      i++;
    } else continue;
    if (!(BENCH_BACKENDS as readonly string[]).includes(value)) {
      throw new RangeError(
        `Cannot run the benchmark on the backend "${value}": expected one of ${choices()}`,
      );
    }
    backend = value as BenchBackend;
  }
  const quick = args.includes("--quick");
  const noAnchors = args.includes("--no-anchors");
  const onGpu = backend !== undefined && GPU_BACKENDS.includes(backend);
  const anchors = !noAnchors && (!onGpu || args.includes("--anchors"));
  const anchorsSkipped = anchors
    ? undefined
    : noAnchors
    ? "--no-anchors"
    : `the anchors (PyTorch, TensorFlow.js Layers) run on the CPU, not beside the "${backend}" backend; --anchors runs them anyway`;
  const onlyArg = args.find((a) => a.startsWith("--only="));
  const only = (onlyArg ? onlyArg.slice(7).split(",") : [...WORKLOADS]) as WorkloadName[];
  for (const name of only) {
    if (!WORKLOADS.includes(name)) {
      throw new RangeError(
        `Cannot run the benchmark as "--only" must list some of ${
          WORKLOADS.join(", ")
        } (comma-separated): received "${name}"`,
      );
    }
  }
  const out = args.find((a) => a.startsWith("--out="))?.slice(6) || undefined;
  return {
    backend,
    quick,
    anchors,
    anchorsSkipped,
    noFunctional: args.includes("--no-functional"),
    only,
    out,
  };
}

function choices(): string {
  return BENCH_BACKENDS.map((b) => `"${b}"`).join(", ");
}
