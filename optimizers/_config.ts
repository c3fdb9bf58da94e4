/**
 * Turns an optimizer's `getConfig()` output back into constructor options:
 * `null` entries become absent and a serialised schedule becomes a schedule.
 *
 * @module
 */
import type { SerializedSchedule } from "./schedules/learning_rate_schedule.ts";
import { deserializeSchedule } from "./schedules/serialization.ts";

/**
 * Converts a config object into constructor options.
 *
 * @param config The output of an optimizer's `getConfig()`.
 * @returns The options, and the learning-rate multiplier to re-apply.
 */
export function optionsFromConfig(
  config: Record<string, unknown>,
): { options: Record<string, unknown>; learningRateScale: number } {
  const options: Record<string, unknown> = {};
  let learningRateScale = 1;
  for (const [key, value] of Object.entries(config)) {
    if (value === null || value === undefined) continue;
    if (key === "learningRateScale") {
      learningRateScale = Number(value);
    } else if (key === "learningRate" && typeof value === "object") {
      options[key] = deserializeSchedule(value as SerializedSchedule);
    } else {
      options[key] = value;
    }
  }
  return { options, learningRateScale };
}
