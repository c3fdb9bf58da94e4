/**
 * Learning-rate schedules, exposed as the `schedules` namespace.
 *
 * @module
 */
export { LearningRateSchedule } from "./learning_rate_schedule.ts";
export type { ScheduleLike, SerializedSchedule } from "./learning_rate_schedule.ts";
export { ExponentialDecay } from "./exponential_decay.ts";
export type { ExponentialDecayOptions } from "./exponential_decay.ts";
export { PiecewiseConstantDecay } from "./piecewise_constant_decay.ts";
export type { PiecewiseConstantDecayOptions } from "./piecewise_constant_decay.ts";
export { PolynomialDecay } from "./polynomial_decay.ts";
export type { PolynomialDecayOptions } from "./polynomial_decay.ts";
export { InverseTimeDecay } from "./inverse_time_decay.ts";
export type { InverseTimeDecayOptions } from "./inverse_time_decay.ts";
export { CosineDecay } from "./cosine_decay.ts";
export type { CosineDecayOptions } from "./cosine_decay.ts";
export { CosineDecayRestarts } from "./cosine_decay_restarts.ts";
export type { CosineDecayRestartsOptions } from "./cosine_decay_restarts.ts";
export { deserializeSchedule, serializeSchedule } from "./serialization.ts";
export type { ScheduleClass } from "./serialization.ts";
