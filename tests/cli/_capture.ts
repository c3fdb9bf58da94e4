/**
 * Runs the command line with console.log / console.error captured. Test helper.
 *
 * @module
 */
import { run } from "../../cli.ts";

/** What a run printed and returned. */
export interface Captured {
  code: number;
  out: string[];
  err: string[];
}

/** Runs `kerno <args>` in-process, capturing what it prints. */
export async function capture(args: string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error, warn } = console;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  console.warn = (...a: unknown[]) => err.push(a.join(" "));
  try {
    const code = await run(args);
    return { code, out, err };
  } finally {
    Object.assign(console, { log, error, warn });
  }
}

/** Whether a path exists. */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
