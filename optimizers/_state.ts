/**
 * The optimizer's bookkeeping, kept out of the base class's file: the call
 * counter, the learning rate or schedule with its multiplier, and the slot
 * variables in a fixed order for `getWeights`/`setWeights`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { NON_NEGATIVE, number } from "../engine/validate.ts";
import { LearningRateSchedule, type ScheduleLike } from "./schedules/learning_rate_schedule.ts";

/**
 * Validates a `learningRate` option.
 *
 * @param owner The optimizer's class name.
 * @param value The option's value.
 * @returns The number or schedule.
 */
export function checkLearningRate(owner: string, value: unknown): number | ScheduleLike {
  if (value instanceof LearningRateSchedule || typeof value === "function") {
    return value as ScheduleLike;
  }
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot create ${owner} as "learningRate" must be a number >= 0, a LearningRateSchedule or a (step) => number function: received ${
        String(value)
      }`,
    );
  }
  return number(`create ${owner}`, "learningRate", value, NON_NEGATIVE);
}

/** Mutable state of one optimizer. */
export class OptimizerState {
  /** Calls of applyGradients so far (Keras's internal `_iterations`). */
  calls = 0;
  #owner: string;
  #rate: number | ScheduleLike;
  #multiplier = 1;
  #slots = new Map<tf.Variable, Record<string, tf.Variable>>();
  #order: tf.Variable[] = [];

  /**
   * @param owner The optimizer's class name, for messages.
   * @param rate The validated learning rate or schedule.
   */
  constructor(owner: string, rate: number | ScheduleLike) {
    this.#owner = owner;
    this.#rate = rate;
  }

  /**
   * Returns the number or schedule.
   *
   * @returns The number or schedule.
   */
  get rate(): number | ScheduleLike {
    return this.#rate;
  }

  /**
   * Returns the multiplier applied to a schedule's values.
   *
   * @returns The multiplier applied to a schedule's values.
   */
  get multiplier(): number {
    return this.#multiplier;
  }

  /**
   * The learning rate at a step, checked.
   *
   * @param step The 0-based update count.
   * @returns The rate.
   */
  rateAt(step: number): number {
    const rate = this.#rate;
    if (typeof rate === "number") return rate;
    const value = rate instanceof LearningRateSchedule ? rate.call(step) : rate(step);
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(
        `Cannot use the learning-rate schedule of ${this.#owner} as it must return a finite number >= 0: received ${
          String(value)
        } at step ${step}`,
      );
    }
    return value * this.#multiplier;
  }

  /**
   * Replaces a constant rate.
   *
   * @param value The new rate.
   */
  setRate(value: number): void {
    if (typeof this.#rate !== "number") {
      throw new TypeError(
        `Cannot set the learning rate of ${this.#owner} as a schedule drives it: use scaleLearningRate(factor) to rescale the schedule, or create the optimizer with a number learningRate`,
      );
    }
    this.#rate = checkLearningRate(this.#owner, value) as number;
  }

  /**
   * Multiplies the rate (a number) or the schedule's multiplier.
   *
   * @param factor The factor.
   */
  scale(factor: number): void {
    if (typeof this.#rate === "number") this.#rate *= factor;
    else this.#multiplier *= factor;
  }

  /**
   * @param variable A model variable.
   * @returns Whether its slots exist.
   */
  has(variable: tf.Variable): boolean {
    return this.#slots.has(variable);
  }

  /**
   * Starts the slot record of a new variable.
   *
   * @param variable A model variable.
   */
  register(variable: tf.Variable): void {
    this.#slots.set(variable, {});
  }

  /**
   * @param variable A registered model variable.
   * @returns Its slots.
   */
  slots(variable: tf.Variable): Record<string, tf.Variable> {
    return this.#slots.get(variable) as Record<string, tf.Variable>;
  }

  /**
   * Creates a slot.
   *
   * @param variable A registered model variable.
   * @param name The slot's name.
   * @param init A fill value, or a tensor to copy.
   * @returns The slot variable.
   */
  addSlot(variable: tf.Variable, name: string, init: number | tf.Tensor): tf.Variable {
    const record = this.#slots.get(variable);
    if (record === undefined || name in record) {
      throw new RangeError(
        `Cannot add slot "${name}" in ${this.#owner} as it must be new and added from buildSlots: received a ${
          record === undefined ? "variable not being built" : "duplicate name"
        }`,
      );
    }
    const slot = tf.tidy(() => {
      const value = typeof init === "number"
        ? tf.fill(variable.shape, init, variable.dtype)
        : tf.mul(init, 1);
      return tf.variable(value, false);
    });
    record[name] = slot;
    this.#order.push(slot);
    return slot;
  }

  /**
   * Returns every slot in creation order.
   *
   * @returns Every slot in creation order.
   */
  allSlots(): tf.Variable[] {
    return [...this.#order];
  }

  /**
   * Restores `[calls, ...slots]`.
   *
   * @param weights The tensors.
   * @param name The optimizer's name, for messages.
   */
  restore(weights: tf.Tensor[], name: string): void {
    if (weights.length !== this.#order.length + 1) {
      throw new RangeError(
        `Cannot set the weights of ${name} as it expects ${
          this.#order.length + 1
        } tensors (the step counter and ${this.#order.length} slots; call build(variables) first on a fresh optimizer): received ${weights.length}`,
      );
    }
    this.#order.forEach((slot, i) => {
      const w = weights[i + 1];
      if (!tf.util.arraysEqual(slot.shape, w.shape)) {
        throw new RangeError(
          `Cannot set the weights of ${name} as weight ${
            i + 1
          } must have shape [${slot.shape}]: received [${w.shape}]`,
        );
      }
    });
    this.calls = Math.round(weights[0].dataSync()[0]);
    this.#order.forEach((slot, i) =>
      tf.tidy(() => slot.assign(tf.cast(weights[i + 1], slot.dtype)))
    );
  }

  /** Disposes every slot. */
  dispose(): void {
    for (const slot of this.#order) slot.dispose();
    this.#order = [];
    this.#slots.clear();
  }
}
