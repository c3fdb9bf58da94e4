/**
 * The backend seam, for whoever writes a backend: the fused operations and
 * update rules a backend may replace, and row-sparse gradients. Generic
 * code calls `fused.*`; a backend registers its versions. See README's
 * "The seam: where a backend plugs in".
 *
 * @module
 */
export {
  fused,
  type FusedActivation,
  type FusedConv2DOptions,
  type FusedConvOptions,
  type FusedConvTransposeOptions,
  type FusedOps,
  type FusedReplacements,
  type FusedUpdateRule,
  fusedUpdateRule,
  type HostRows,
  plainFusedOps,
  registerFusedOps,
  registerFusedUpdateRule,
  type UpdateRuleArgs,
} from "./fused.ts";
export { markRowSparse, rowSparseRows } from "./row_sparse.ts";
