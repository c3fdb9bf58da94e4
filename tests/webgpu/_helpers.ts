/**
 * What the WebGPU tests share: whether an adapter can be had, and the one
 * line saying why the tests skip when none can.
 */
import { type AdapterDescription, webgpuAdapter } from "../../backend/select.ts";
import { skipBecause } from "../backend/_helpers.ts";

/**
 * The WebGPU adapter for a file of tests, and whether they skip (printing
 * once one line saying which and why when Deno offers no adapter).
 *
 * @param what The tests, e.g. `"the WebGPU tests"`.
 * @returns The adapter (`null` when none) and `skip`, for `Deno.test`'s `ignore`.
 */
export async function webgpuTests(
  what: string,
): Promise<{ adapter: AdapterDescription | null; skip: boolean }> {
  const adapter = await webgpuAdapter();
  const reason = adapter === null
    ? "no WebGPU adapter (navigator.gpu.requestAdapter() gave none)"
    : null;
  return { adapter, skip: skipBecause(what, reason) };
}
