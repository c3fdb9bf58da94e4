/**
 * kerno's command line: `deno task demo` (and, later, `train` and `compare`).
 *
 * @module
 */
import { main as breastCancer } from "./examples/breast_cancer.ts";

/**
 * Runs a command.
 *
 * @param args The command-line arguments.
 * @returns The exit code.
 */
export async function run(args: string[]): Promise<number> {
  const [command] = args;
  if (command === "demo") {
    const accuracy = await breastCancer();
    console.log(`final validation accuracy: ${accuracy.toFixed(4)}`);
    return 0;
  }
  console.error(`kerno: unknown command ${JSON.stringify(command ?? "")}; expected: demo`);
  return 2;
}

if (import.meta.main) Deno.exit(await run(Deno.args));
