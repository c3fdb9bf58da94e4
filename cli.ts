/**
 * kerno's command line: `demo` (the main job), `train` (a preset network on
 * a bundled data set or a CSV file) and `compare` (the lesson's visual
 * comparison of solvers). `deno task kerno <command> --help` explains each.
 *
 * @example
 * ```ts
 * import { run } from "./cli.ts";
 * const code = await run(["compare", "--help"]);
 * console.log(code); // 0
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { HELP, UsageError, usageError } from "./cli/_cli_help.ts";
import { main as demo } from "./cli/demo.ts";
import { BUNDLED, PRESETS, SCHEDULES, train } from "./cli/train.ts";
import { writeComparison } from "./cli/compare_solvers.ts";
import { type ModelData, writeModelComparison } from "./cli/compare_on_model.ts";
import { SOLVER_NAMES, type SolverName } from "./cli/solvers.ts";
import { TEST_FUNCTIONS, type TestFunctionName } from "./cli/test_functions.ts";

type Values = Record<string, string | boolean | undefined>;

const COMMON = { help: { type: "boolean", short: "h" }, out: { type: "string" } } as const;

/** Parses a command's options strictly (unknown options and stray arguments are errors). */
function parse(
  command: string,
  args: string[],
  options: Record<string, { type: "string" | "boolean"; short?: string }>,
  positionals = 0,
): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true });
    if (parsed.positionals.length > positionals) {
      throw usageError(command, `unexpected argument "${parsed.positionals[positionals]}"`);
    }
    return parsed as { values: Values; positionals: string[] };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw usageError(command, (error as Error).message.split("\n")[0].split(". ")[0]);
  }
}

function number(command: string, name: string, value: unknown, check: (n: number) => boolean) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value === "" || !Number.isFinite(n) || !check(n)) {
    throw usageError(command, `--${name} must be a valid number here: received "${value}"`);
  }
  return n;
}

function oneOf<T extends string>(
  command: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
) {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw usageError(
      command,
      `--${name} must be one of ${allowed.join(", ")}: received "${value}"`,
    );
  }
  return value as T;
}

function solverList(command: string, value: unknown): SolverName[] | undefined {
  if (value === undefined) return undefined;
  const names = String(value).split(",").map((s) => s.trim().toLowerCase()).filter((s) => s);
  for (const name of names) oneOf(command, "solvers", name, SOLVER_NAMES);
  if (names.length === 0) throw usageError(command, `--solvers must name at least one solver`);
  return names as SolverName[];
}

/** `--lr adam=0.1,sgd=0.01` (or one number for every solver). */
function rates(command: string, value: unknown, solvers: readonly SolverName[]) {
  if (value === undefined) return undefined;
  const out: Partial<Record<SolverName, number>> = {};
  for (const part of String(value).split(",")) {
    const [name, rate] = part.includes("=") ? part.split("=") : [undefined, part];
    const lr = number(command, "lr", rate, (n) => n > 0);
    if (name === undefined) solvers.forEach((s) => (out[s] = lr));
    else out[oneOf(command, "lr", name.trim().toLowerCase(), SOLVER_NAMES)!] = lr;
  }
  return out;
}

async function runDemo(args: string[]): Promise<void> {
  const { values } = parse("demo", args, {
    epochs: { type: "string" },
    model: { type: "string" },
    verbose: { type: "string" },
  });
  if (values.help) return console.log(HELP.demo);
  await demo({
    epochs: number("demo", "epochs", values.epochs, (n) => Number.isInteger(n) && n > 0),
    out: values.out as string | undefined,
    model: oneOf("demo", "model", values.model, ["cnn", "mlp"] as const),
    verbose: values.verbose === undefined
      ? undefined
      : Number(oneOf("demo", "verbose", values.verbose, ["0", "1", "2"] as const)) as 0 | 1 | 2,
  });
}

async function runTrain(args: string[]): Promise<void> {
  const c = "train";
  const { values, positionals } = parse(c, args, {
    data: { type: "string" },
    target: { type: "string" },
    model: { type: "string" },
    hidden: { type: "string" },
    optimizer: { type: "string" },
    lr: { type: "string" },
    schedule: { type: "string" },
    epochs: { type: "string" },
    "batch-size": { type: "string" },
    "validation-split": { type: "string" },
    seed: { type: "string" },
    verbose: { type: "string" },
  }, 1);
  if (values.help) return console.log(HELP.train);
  const data = (values.data as string | undefined) ?? positionals[0];
  if (data === undefined) {
    throw usageError(c, `name a data set (${BUNDLED.join(", ")}) or a CSV file`);
  }
  if (!(BUNDLED as readonly string[]).includes(data)) {
    if (!data.endsWith(".csv")) {
      throw usageError(
        c,
        `the data must be one of ${BUNDLED.join(", ")} or a .csv file: received "${data}"`,
      );
    }
    try {
      Deno.statSync(data);
    } catch {
      throw usageError(c, `cannot read the data file ${data}: no such file`);
    }
    if (values.target === undefined) throw usageError(c, `a CSV file needs --target <column>`);
  }
  const hidden = values.hidden === undefined
    ? undefined
    : String(values.hidden).split(",").map((h) =>
      number(c, "hidden", h, (n) => Number.isInteger(n) && n > 0)!
    );
  const batch = values["batch-size"] === "full"
    ? "full" as const
    : number(c, "batch-size", values["batch-size"], (n) => Number.isInteger(n) && n > 0);
  await train({
    data,
    target: values.target as string | undefined,
    model: oneOf(c, "model", values.model, PRESETS),
    hidden,
    optimizer: values.optimizer as string | undefined,
    lr: number(c, "lr", values.lr, (n) => n > 0),
    schedule: oneOf(c, "schedule", values.schedule, SCHEDULES),
    epochs: number(c, "epochs", values.epochs, (n) => Number.isInteger(n) && n > 0),
    batchSize: batch,
    validationSplit: number(
      c,
      "validation-split",
      values["validation-split"],
      (n) => n >= 0 && n < 1,
    ),
    seed: number(c, "seed", values.seed, Number.isInteger),
    out: values.out as string | undefined,
    verbose: values.verbose === undefined
      ? undefined
      : Number(oneOf(c, "verbose", values.verbose, ["0", "1", "2"] as const)) as 0 | 1 | 2,
  });
}

async function runCompare(args: string[]): Promise<void> {
  const c = "compare";
  const { values } = parse(c, args, {
    function: { type: "string" },
    solvers: { type: "string" },
    lr: { type: "string" },
    steps: { type: "string" },
    model: { type: "boolean" },
    data: { type: "string" },
    epochs: { type: "string" },
    view: { type: "string" },
    animate: { type: "boolean" },
    frames: { type: "string" },
    duration: { type: "string" },
  });
  if (values.help) return console.log(HELP.compare);
  const solvers = solverList(c, values.solvers);
  const learningRates = rates(c, values.lr, solvers ?? SOLVER_NAMES);
  const out = (values.out as string | undefined) ?? "runs/compare";
  let files: string[];
  const onlyFor = values.model
    ? ["function", "steps", "view", "animate", "frames", "duration"]
    : ["data", "epochs"];
  const misplaced = onlyFor.filter((k) => (values as Record<string, unknown>)[k] !== undefined);
  if (misplaced.length > 0) {
    throw usageError(
      c,
      `--${misplaced[0]} applies ${
        values.model ? "to the test functions, not with --model" : "only with --model"
      }: received --${misplaced[0]}${values.model ? " with --model" : " without --model"}`,
    );
  }
  if (values.model) {
    files = await writeModelComparison(out, {
      data: oneOf(c, "data", values.data, ["iris", "breast_cancer", "digits"] as ModelData[]),
      solvers,
      learningRates,
      epochs: number(c, "epochs", values.epochs, (n) => Number.isInteger(n) && n > 0),
    });
  } else {
    const names = Object.keys(TEST_FUNCTIONS) as TestFunctionName[];
    const chosen = values.function === "all"
      ? names
      : [oneOf(c, "function", values.function ?? "beale", names)!];
    const steps = number(c, "steps", values.steps, (n) => Number.isInteger(n) && n > 0);
    const view = oneOf(c, "view", values.view, ["contour", "surface", "both"] as const);
    const frames = number(c, "frames", values.frames, (n) => Number.isInteger(n) && n >= 2);
    const duration = number(c, "duration", values.duration, (n) => n > 0 && n <= 600);
    if ((frames ?? 120) / (duration ?? 6) > 50) {
      throw usageError(
        c,
        `--frames / --duration must be at most 50 frames a second (GIF players slow faster ones down): received ${
          frames ?? 120
        } frames in ${duration ?? 6} s`,
      );
    }
    const animate = values.animate === true;
    files = [];
    for (const fn of chosen) {
      files.push(
        ...await writeComparison(out, {
          function: fn,
          solvers,
          learningRates,
          steps,
          view,
          animate,
          frames,
          duration,
        }),
      );
    }
  }
  console.log(`wrote ${files.join(", ")}`);
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  demo: runDemo,
  train: runTrain,
  compare: runCompare,
};

/**
 * Runs a command line.
 *
 * @param args The arguments after the program name, such as `["compare", "--function", "saddle"]`.
 * @returns The exit code: 0 on success, 1 when the run failed, 2 for bad arguments
 *   (one line on stderr).
 */
export async function run(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    console.log(HELP.main);
    return 0;
  }
  const handler = COMMANDS[command];
  try {
    if (handler === undefined) {
      throw usageError("", `unknown command "${command}": expected demo, train or compare`);
    }
    await handler(rest);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    console.error(`kerno ${command}: ${(error as Error).message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await run(Deno.args));
