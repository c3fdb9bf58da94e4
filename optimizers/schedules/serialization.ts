import { CosineDecay } from "./cosine_decay.ts";
import { CosineDecayRestarts } from "./cosine_decay_restarts.ts";
import { ExponentialDecay } from "./exponential_decay.ts";
import { InverseTimeDecay } from "./inverse_time_decay.ts";
import type { LearningRateSchedule, SerializedSchedule } from "./learning_rate_schedule.ts";
import { PiecewiseConstantDecay } from "./piecewise_constant_decay.ts";
import { PolynomialDecay } from "./polynomial_decay.ts";

/** A schedule class that `deserializeSchedule` can rebuild. */
export interface ScheduleClass {
  /** Rebuilds the schedule from its config. */
  fromConfig(config: Record<string, unknown>): LearningRateSchedule;
}

const BUILT_IN: Record<string, ScheduleClass> = {
  ExponentialDecay,
  PiecewiseConstantDecay,
  PolynomialDecay,
  InverseTimeDecay,
  CosineDecay,
  CosineDecayRestarts,
};

/**
 * Serialises a schedule as `{ className, config }`.
 *
 * @param schedule The schedule.
 * @returns Its class name and `getConfig()`.
 */
export function serializeSchedule(schedule: LearningRateSchedule): SerializedSchedule {
  return { className: schedule.className, config: schedule.getConfig() };
}

/**
 * Rebuilds a schedule from `{ className, config }`.
 *
 * @param serialized The output of `serializeSchedule`.
 * @param customObjects Extra schedule classes by class name, for your own subclasses.
 * @returns A new schedule.
 */
export function deserializeSchedule(
  serialized: SerializedSchedule,
  customObjects: Record<string, ScheduleClass> = {},
): LearningRateSchedule {
  const name = serialized?.className;
  const cls = typeof name !== "string"
    ? undefined
    : Object.hasOwn(customObjects, name)
    ? customObjects[name]
    : Object.hasOwn(BUILT_IN, name)
    ? BUILT_IN[name]
    : undefined;
  if (cls === undefined) {
    const known = [...Object.keys(BUILT_IN), ...Object.keys(customObjects)].join(", ");
    throw new TypeError(
      `Cannot deserialise a learning-rate schedule as "className" must be one of ${known}: received ${
        String(serialized?.className)
      }`,
    );
  }
  return cls.fromConfig(serialized.config ?? {});
}
