/**
 * kerno's backends: the fast CPU backend (`"kerno"`), choosing a backend, and
 * the fused in-place optimizer updates.
 *
 * Importing this module registers the `"kerno"` backend; it prints nothing and
 * needs no permission.
 *
 * @module
 */
export { KERNO_BACKEND_NAME, registerKernoBackend } from "./kerno_backend.ts";
export {
  type AdapterDescription,
  type BackendChoice,
  type BackendName,
  getBackend,
  initBackend,
  registeredBackends,
  setBackend,
  webgpuAdapter,
} from "./select.ts";
export * from "./fused_updates.ts";
export { blasAvailable, type BlasStatus, blasStatus } from "./blas_status.ts";
