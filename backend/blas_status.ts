/**
 * Whether kerno's matrix kernels have a CBLAS to run on, for tests, the
 * benchmark and `summary()`.
 *
 * @module
 */
import { loadBlas } from "./_blas.ts";

/** The outcome of looking for a CBLAS. */
export type BlasStatus =
  | { available: true; path: string }
  | { available: false; reason: string };

/**
 * Looks for a CBLAS (once) and reports the outcome.
 *
 * @returns The library's path, or why none is usable.
 * @example
 * ```ts
 * import { blasStatus } from "./blas_status.ts";
 * const status = blasStatus();
 * console.log(status.available ? status.path : status.reason);
 * ```
 */
export function blasStatus(): BlasStatus {
  const loaded = loadBlas();
  return typeof loaded === "string"
    ? { available: false, reason: loaded }
    : { available: true, path: loaded.path };
}

/**
 * Whether a CBLAS loaded (needs `--allow-ffi`).
 *
 * @returns `true` when the matrix kernels run through BLAS.
 */
export function blasAvailable(): boolean {
  return blasStatus().available;
}
