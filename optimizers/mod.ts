/**
 * Optimizers, exposed as the `optimizers` namespace; learning-rate schedules
 * live in `./schedules/mod.ts`, exposed as the `schedules` namespace.
 *
 * @module
 */
export { Optimizer } from "./optimizer.ts";
export type { OptimizerOptions, ScheduleLike, Slots } from "./optimizer.ts";
export { SGD } from "./sgd.ts";
export type { SGDOptions } from "./sgd.ts";
export { Adagrad } from "./adagrad.ts";
export type { AdagradOptions } from "./adagrad.ts";
export { Adadelta } from "./adadelta.ts";
export type { AdadeltaOptions } from "./adadelta.ts";
export { RMSprop } from "./rmsprop.ts";
export type { RMSpropOptions } from "./rmsprop.ts";
export { Adam } from "./adam.ts";
export type { AdamOptions } from "./adam.ts";
export { Adamax } from "./adamax.ts";
export type { AdamaxOptions } from "./adamax.ts";
export { Nadam } from "./nadam.ts";
export type { NadamOptions } from "./nadam.ts";
export { AdamW } from "./adamw.ts";
export type { AdamWOptions } from "./adamw.ts";
export { Lion } from "./lion.ts";
export type { LionOptions } from "./lion.ts";
export { getOptimizer, serializeOptimizer } from "./get.ts";
export type { SerializedOptimizer } from "./get.ts";
