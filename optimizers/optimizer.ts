/**
 * The optimizer base class. It owns everything an update rule shares, in
 * Keras 3's order for each `applyGradients` call:
 *
 * 1. skip variables whose gradient is null/undefined, create slots once;
 * 2. gradient accumulation: add into the accumulators and stop there, except
 *    every `gradientAccumulationSteps`-th call, which averages them and goes on;
 * 3. clipping (`clipnorm`, `globalClipnorm` or `clipvalue`);
 * 4. decoupled weight decay, `variable -= variable * weightDecay * lr`;
 * 5. the subclass's update rule, `updateStep`, once per variable;
 * 6. the weights' exponential moving average, and its periodic overwrite.
 *
 * The step count and the learning rate are JavaScript numbers: a schedule is
 * evaluated in plain arithmetic, so `applyGradients` never reads a tensor back.
 *
 * @module
 */
import "../engine/backend_setup.ts";
import { tf } from "../engine/tf.ts";
import { weightPath } from "../engine/naming.ts";
import { clipGradients } from "./_clip.ts";
import { optionsFromConfig } from "./_config.ts";
import { boolean, integer, type Interval, number } from "../engine/validate.ts";
import { checkClassOptions, checkOptions, type WithOptionKeys } from "../engine/options.ts";
import {
  LearningRateSchedule,
  type ScheduleLike,
  type SerializedSchedule,
} from "./schedules/learning_rate_schedule.ts";
import { serializeSchedule } from "./schedules/serialization.ts";
import { checkLearningRate, OptimizerState } from "./_state.ts";
import { fused, fusedUpdateRule } from "../engine/fused.ts";

export type { ScheduleLike } from "./schedules/learning_rate_schedule.ts";

/** Options every optimizer accepts. */
export interface OptimizerOptions {
  /** A number, a `LearningRateSchedule` or a `(step) => rate` function. @default {each optimizer's Keras default} */
  learningRate?: number | ScheduleLike;
  /** Clip each gradient to this L2 norm. @default {undefined} */
  clipnorm?: number;
  /** Clip each gradient element into `[-clipvalue, clipvalue]`. @default {undefined} */
  clipvalue?: number;
  /** Clip all gradients together to this L2 norm. @default {undefined} */
  globalClipnorm?: number;
  /** Decoupled weight decay factor. @default {undefined} (none; AdamW: 0.004) */
  weightDecay?: number;
  /** Update every this many calls with the mean gradient; >= 2. @default {undefined} */
  gradientAccumulationSteps?: number;
  /** Keep an exponential moving average of the weights. @default {false} */
  useEma?: boolean;
  /** The average's momentum. @default {0.99} */
  emaMomentum?: number;
  /** Overwrite the weights with their average every this many updates. @default {undefined} */
  emaOverwriteFrequency?: number;
  /** A name. @default {the class name in lower case} */
  name?: string;
}

/** The keys of {@link OptimizerOptions}, which every optimizer's `optionKeys` spreads in. */
export const OPTIMIZER_OPTION_KEYS: readonly (keyof OptimizerOptions)[] = [
  "learningRate",
  "clipnorm",
  "clipvalue",
  "globalClipnorm",
  "weightDecay",
  "gradientAccumulationSteps",
  "useEma",
  "emaMomentum",
  "emaOverwriteFrequency",
  "name",
];

/**
 * An optimizer's options from its constructor's argument: Keras's positional
 * learning rate (`new Adam(0.01)`, or a schedule) becomes `{ learningRate }`;
 * an options object (or `undefined`, read as `{}`) passes through to the
 * base class's check of its keys.
 *
 * @param owner The optimizer's class (`new.target`), for messages.
 * @param options The argument received.
 * @returns The options object.
 */
export function optimizerOptions<T extends OptimizerOptions>(
  owner: WithOptionKeys,
  options: T | number | ScheduleLike | undefined,
): T {
  if (typeof options === "number" || typeof options === "function") {
    return { learningRate: options } as T;
  }
  if (options instanceof LearningRateSchedule) return { learningRate: options } as T;
  if (options !== null && typeof options === "object" && !Array.isArray(options)) return options;
  return checkOptions(`create ${owner.name}`, options, owner.optionKeys ?? []);
}

/** The slot variables of one model variable, by slot name. */
export type Slots = Readonly<Record<string, tf.Variable>>;

/**
 * Base class of all optimizers. A subclass declares its slots in
 * `buildSlots` (with `addSlot`) and writes its update rule in `updateStep`;
 * the base class calls `updateStep` inside `tf.tidy`.
 *
 * A backend may do a rule its own way (in place, in one pass) through the
 * seam: the class that defines `updateStep` names its rule in a static
 * `updateRule`, and a backend registers a fused version under that name
 * (`registerFusedUpdateRule` in `engine/fused.ts`); when the active backend
 * has none, or it declines, `updateStep` runs. A subclass that overrides
 * `updateStep` without naming a rule of its own is never fused, so its rule
 * is the one that runs.
 */
export abstract class Optimizer {
  /** The optimizer's name. */
  readonly name: string;
  /** Per-gradient norm limit, or null. */
  readonly clipnorm: number | null;
  /** Element-wise limit, or null. */
  readonly clipvalue: number | null;
  /** Global norm limit, or null. */
  readonly globalClipnorm: number | null;
  /** Decoupled weight decay, or null. */
  readonly weightDecay: number | null;
  /** Calls per update, or null. */
  readonly gradientAccumulationSteps: number | null;
  /** Whether a moving average of the weights is kept. */
  readonly useEma: boolean;
  /** The moving average's momentum. */
  readonly emaMomentum: number;
  /** Updates between overwrites of the weights by their average, or null. */
  readonly emaOverwriteFrequency: number | null;

  /**
   * The name of the update rule `updateStep` states, under which a backend
   * may register a fused version; set by each class that defines
   * `updateStep`. @default {undefined} (never fused)
   */
  static readonly updateRule?: string;

  /**
   * The keys of the constructor's options object. A class that declares its
   * own list (every built-in optimizer, spreading `OPTIMIZER_OPTION_KEYS`)
   * has unknown keys refused with a suggestion; a subclass that declares
   * none (a user's, with options of its own) is not checked for them.
   */
  static optionKeys: readonly string[] = OPTIMIZER_OPTION_KEYS;

  #state: OptimizerState;
  #rule: string | undefined;
  #excludedVariables = new Set<tf.Variable>();
  #excludedNames: string[] = [];

  /**
   * Validates the options and creates the object.
   *
   * @param options The common options; see `OptimizerOptions`.
   */
  constructor(options: OptimizerOptions) {
    const owner = this.constructor.name;
    const what = `create ${owner}`;
    options = checkClassOptions(what, this.constructor as WithOptionKeys, options);
    const positive: Interval = { min: 0, max: Infinity, minOpen: true };
    const opt = (arg: keyof OptimizerOptions, interval: Interval = positive): number | null => {
      const value = options[arg];
      return value === undefined ? null : number(what, arg, value, interval);
    };
    this.clipnorm = opt("clipnorm");
    this.clipvalue = opt("clipvalue");
    this.globalClipnorm = opt("globalClipnorm");
    const clips = {
      clipnorm: this.clipnorm,
      clipvalue: this.clipvalue,
      global: this.globalClipnorm,
    };
    if (Object.values(clips).filter((c) => c !== null).length > 1) {
      throw new TypeError(
        `Cannot create ${owner} as only one of "clipnorm", "clipvalue" and "globalClipnorm" may be set: received clipnorm=${this.clipnorm}, clipvalue=${this.clipvalue}, globalClipnorm=${this.globalClipnorm}`,
      );
    }
    this.weightDecay = opt("weightDecay", { min: 0, max: Infinity });
    const steps = options.gradientAccumulationSteps;
    this.gradientAccumulationSteps = steps === undefined
      ? null
      : integer(what, "gradientAccumulationSteps", steps, 2);
    this.useEma = boolean(what, "useEma", options.useEma ?? false);
    this.emaMomentum = number(what, "emaMomentum", options.emaMomentum ?? 0.99, {
      min: 0,
      max: 1,
    });
    const every = options.emaOverwriteFrequency;
    this.emaOverwriteFrequency = every === undefined
      ? null
      : integer(what, "emaOverwriteFrequency", every, 1);
    this.name = options.name ?? owner.toLowerCase();
    this.#state = new OptimizerState(owner, checkLearningRate(owner, options.learningRate));
    this.#rule = ruleOf(this);
  }

  /**
   * Returns the number of updates applied so far (calls / accumulation steps).
   *
   * @returns The number of updates applied so far (calls / accumulation steps).
   */
  get iterations(): number {
    const calls = this.#state.calls;
    const steps = this.gradientAccumulationSteps;
    return steps === null ? calls : Math.floor(calls / steps);
  }

  /**
   * Returns the rate the next update uses: the schedule at `iterations`, times any scale.
   *
   * @returns The rate the next update uses: the schedule at `iterations`, times any scale.
   */
  get learningRate(): number {
    return this.#state.rateAt(this.iterations);
  }

  /**
   * Sets a constant learning rate.
   *
   * @param value A finite number >= 0.
   */
  set learningRate(value: number) {
    this.#state.setRate(value);
  }

  /**
   * Keras's spelling of `learningRate` (`optimizer.learning_rate = 0.01` in
   * a callback): an alias of the same value.
   *
   * @returns `learningRate`.
   */
  get learning_rate(): number {
    return this.learningRate;
  }
  set learning_rate(value: number) {
    this.learningRate = value;
  }

  /**
   * Returns the schedule driving the rate, or null when it is a number.
   *
   * @returns The schedule driving the rate, or null when it is a number.
   */
  get learningRateSchedule(): ScheduleLike | null {
    const rate = this.#state.rate;
    return typeof rate === "number" ? null : rate;
  }

  /**
   * Multiplies the learning rate by `factor`; a schedule keeps the factor as
   * a multiplier on its values (this is what ReduceLROnPlateau calls).
   *
   * @param factor A finite number >= 0.
   */
  scaleLearningRate(factor: number): void {
    this.#state.scale(
      number(`create ${this.constructor.name}`, "factor", factor, { min: 0, max: Infinity }),
    );
  }

  /**
   * Declares the slots of one variable with `addSlot`. Called once per
   * variable, the first time it is seen.
   *
   * @param _variable The model variable.
   */
  protected buildSlots(_variable: tf.Variable): void {}

  /**
   * Called once per update before the per-variable `updateStep` calls, for
   * state shared by all variables (Nadam's momentum-schedule product).
   *
   * @param _step The 1-based number of the update about to be applied.
   */
  protected prepareStep(_step: number): void {}

  /**
   * The update rule: the lesson's equation for one variable. Runs inside
   * `tf.tidy`; assign new values with `variable.assign(...)`.
   *
   * @param grad The (clipped, accumulated) gradient.
   * @param variable The variable to update.
   * @param lr The learning rate of this update.
   * @param slots This variable's slots, by name.
   * @param step The 1-based number of this update (Keras's `iterations + 1`).
   */
  protected abstract updateStep(
    grad: tf.Tensor,
    variable: tf.Variable,
    lr: number,
    slots: Slots,
    step: number,
  ): void;

  /**
   * Creates a slot variable for `variable`, filled with `init`. Call from
   * `buildSlots`.
   *
   * @param variable The model variable.
   * @param name The slot's name, unique per variable.
   * @param init The initial value of every element.
   * @returns The slot variable.
   */
  protected addSlot(variable: tf.Variable, name: string, init = 0): tf.Variable {
    return this.#state.addSlot(variable, name, init);
  }

  /**
   * Creates the slots of variables not seen before (applyGradients does it
   * on first sight; call it before `setWeights` on a fresh optimizer).
   *
   * @param variables The model variables, in the order gradients will come.
   */
  build(variables: tf.Variable[]): void {
    for (const variable of variables) {
      if (this.#state.has(variable)) continue;
      this.#state.register(variable);
      if (this.useEma) this.#state.addSlot(variable, "average", variable);
      if (this.gradientAccumulationSteps !== null) {
        this.#state.addSlot(variable, "gradientAccumulator", 0);
      }
      this.buildSlots(variable);
    }
  }

  /**
   * Applies one step of gradients. Gradients are neither disposed nor kept.
   *
   * @param grads Gradients, in the order of `variables`; null/undefined ones are skipped.
   * @param variables The variables to update.
   */
  applyGradients(grads: (tf.Tensor | null | undefined)[], variables: tf.Variable[]): void {
    if (grads.length !== variables.length) {
      throw new RangeError(
        `Cannot apply gradients with ${this.name} as "grads" must have one entry per variable: received ${grads.length} gradients for ${variables.length} variables`,
      );
    }
    if (variables.length === 0) return;
    const pairs: [tf.Tensor, tf.Variable][] = [];
    grads.forEach((g, i) => g != null && pairs.push([g, variables[i]]));
    if (pairs.length === 0) {
      throw new TypeError(
        `Cannot apply gradients with ${this.name} as every gradient is null: received ${grads.length} gradients`,
      );
    }
    this.build(variables);
    tf.tidy(() => {
      const ready = this.gradientAccumulationSteps === null ? pairs : this.#accumulate(pairs);
      if (ready !== null) this.#update(ready);
      if (this.useEma) this.#updateAverages(variables);
    });
    this.#state.calls += 1;
  }

  #accumulate(pairs: [tf.Tensor, tf.Variable][]): [tf.Tensor, tf.Variable][] | null {
    const steps = this.gradientAccumulationSteps as number;
    const slot = (v: tf.Variable) => this.#state.slots(v).gradientAccumulator;
    if ((this.#state.calls + 1) % steps !== 0) {
      for (const [g, v] of pairs) slot(v).assign(tf.add(slot(v), g));
      return null;
    }
    const mean = pairs.map(([g, v]): [tf.Tensor, tf.Variable] => [
      tf.div(tf.add(g, slot(v)), steps),
      v,
    ]);
    for (const [, v] of pairs) slot(v).assign(tf.zerosLike(slot(v)));
    return mean;
  }

  #update(pairs: [tf.Tensor, tf.Variable][]): void {
    const step = this.iterations;
    const lr = this.#state.rateAt(step);
    const grads = clipGradients(pairs.map(([g]) => g), this);
    if (this.weightDecay !== null) {
      const factor = this.weightDecay * lr;
      for (const [, v] of pairs) if (this.#decays(v)) fused.decayWeights(v, factor);
    }
    this.prepareStep(step + 1);
    const rule = this.#rule === undefined ? undefined : fusedUpdateRule(this.#rule);
    pairs.forEach(([, variable], i) => {
      const slots = this.#state.slots(variable);
      const args = { optimizer: this, grad: grads[i], variable, slots, lr, step: step + 1 };
      if (rule?.(args)) return;
      tf.tidy(() => this.updateStep(grads[i], variable, lr, slots, step + 1));
    });
  }

  #updateAverages(variables: tf.Variable[]): void {
    const momentum = this.iterations === 0 ? 0 : this.emaMomentum;
    const overwrite = this.emaOverwriteFrequency !== null &&
      (this.iterations + 1) % this.emaOverwriteFrequency === 0;
    for (const v of variables) {
      const average = this.#state.slots(v).average;
      average.assign(tf.add(tf.mul(average, momentum), tf.mul(v, 1 - momentum)));
      if (overwrite) v.assign(average);
    }
  }

  #decays(variable: tf.Variable): boolean {
    if (this.#excludedVariables.has(variable)) return false;
    return !this.#excludedNames.some((part) => weightPath(variable).includes(part));
  }

  /**
   * Exempts variables from weight decay (biases, normalisation scales), as
   * Keras's `exclude_from_weight_decay`. Each call replaces the previous lists.
   *
   * @param options `variables` to exempt, and/or `varNames`: a variable is
   *   exempt when its name (a layer weight's Keras path, `dense/bias`)
   *   contains one of these strings.
   */
  excludeFromWeightDecay(options: { variables?: tf.Variable[]; varNames?: string[] }): void {
    this.#excludedVariables = new Set(options.variables ?? []);
    this.#excludedNames = [...(options.varNames ?? [])];
  }

  /**
   * Swaps each variable's value with its moving average (Keras's
   * `swap_variables`): call once to evaluate with the averaged weights and
   * again to go back to training.
   *
   * @param variables Variables this optimizer has updated.
   */
  swapEmaWeights(variables: tf.Variable[]): void {
    for (const v of variables) {
      const average = this.#averageOf(v, "swapEmaWeights");
      tf.tidy(() => {
        const current = tf.clone(v);
        v.assign(average);
        average.assign(current);
      });
    }
  }

  /**
   * Overwrites each variable with its moving average for good (Keras's
   * `finalize_variable_values`); does nothing without `useEma`.
   *
   * @param variables Variables this optimizer has updated.
   */
  finalizeVariableValues(variables: tf.Variable[]): void {
    if (!this.useEma) return;
    for (const v of variables) v.assign(this.#averageOf(v, "finalizeVariableValues"));
  }

  #averageOf(variable: tf.Variable, method: string): tf.Variable {
    if (!this.useEma) {
      throw new TypeError(
        `Cannot call ${method} on ${this.name} as "useEma" is false: create the optimizer with useEma: true`,
      );
    }
    if (!this.#state.has(variable)) {
      const path = weightPath(variable);
      throw new RangeError(
        `Cannot call ${method} on ${this.name} as variable "${path}" was never updated by it`,
      );
    }
    return this.#state.slots(variable).average;
  }

  /**
   * The Keras-style config, with camelCase keys. A schedule is serialised as
   * `{ className, config }`; a plain function cannot be, so its current value
   * is recorded. A scale applied to a schedule is kept as `learningRateScale`.
   *
   * @returns A JSON-serialisable object that `fromConfig` accepts.
   */
  getConfig(): Record<string, unknown> {
    const rate = this.#state.rate;
    let learningRate: number | SerializedSchedule = this.learningRate;
    if (rate instanceof LearningRateSchedule) learningRate = serializeSchedule(rate);
    const config: Record<string, unknown> = {
      name: this.name,
      learningRate,
      weightDecay: this.weightDecay,
      clipnorm: this.clipnorm,
      globalClipnorm: this.globalClipnorm,
      clipvalue: this.clipvalue,
      useEma: this.useEma,
      emaMomentum: this.emaMomentum,
      emaOverwriteFrequency: this.emaOverwriteFrequency,
      gradientAccumulationSteps: this.gradientAccumulationSteps,
    };
    if (rate instanceof LearningRateSchedule && this.#state.multiplier !== 1) {
      config.learningRateScale = this.#state.multiplier;
    }
    return config;
  }

  /**
   * Builds an optimizer of the class it is called on from `getConfig()`.
   *
   * @param config A config object.
   * @returns A new optimizer without state.
   */
  static fromConfig<T extends Optimizer>(
    this: new (options: never) => T,
    config: Record<string, unknown>,
  ): T {
    const { options, learningRateScale } = optionsFromConfig(config);
    const optimizer = new this(options as never);
    if (learningRateScale !== 1) optimizer.scaleLearningRate(learningRateScale);
    return optimizer;
  }

  /**
   * The state to checkpoint: the call counter (int32 scalar) and then every
   * slot, variable by variable in the order first seen, each variable's slots
   * in creation order (`average`, `gradientAccumulator`, then the rule's own).
   *
   * @returns New tensors; the caller disposes them.
   */
  getWeights(): tf.Tensor[] {
    return [
      tf.scalar(this.#state.calls, "int32"),
      ...this.#state.allSlots().map((s) => tf.clone(s)),
    ];
  }

  /**
   * Restores `getWeights()`'s output, so training resumes exactly. Call
   * `build(variables)` first on a fresh optimizer so the slots exist.
   *
   * @param weights Tensors in `getWeights()`'s order; not disposed.
   */
  setWeights(weights: tf.Tensor[]): void {
    this.#state.restore(weights, this.name);
  }

  /** Disposes every slot variable; the optimizer rebuilds them if used again. */
  dispose(): void {
    this.#state.dispose();
  }
}

/**
 * The rule an optimizer's `updateStep` states: the `updateRule` of the class
 * that defines the `updateStep` it runs, or `undefined` when that class
 * names none (a user's subclass with a rule of its own).
 */
function ruleOf(optimizer: Optimizer): string | undefined {
  let proto: object | null = Object.getPrototypeOf(optimizer);
  while (proto !== null && !Object.hasOwn(proto, "updateStep")) {
    proto = Object.getPrototypeOf(proto);
  }
  const owner = proto?.constructor as { updateRule?: string } | undefined;
  return owner !== undefined && Object.hasOwn(owner, "updateRule") ? owner.updateRule : undefined;
}
