/**
 * `BackupAndRestore`: resumes training after the process was killed.
 *
 * @module
 */
import { Callback } from "./callback.ts";
import { boolean } from "../engine/validate.ts";
import { getRandomState, setRandomState } from "../engine/random.ts";
import { seedGeneratorsOf } from "../engine/seed_generator.ts";
import { loadCheckpoint, saveCheckpoint } from "../io/save_model.ts";
import { checkClassOptions } from "../engine/options.ts";

/** Options of `BackupAndRestore`. */
export interface BackupAndRestoreOptions {
  /** `"epoch"`: back up after every epoch; a number: after every that many training batches. @default "epoch" */
  saveFreq?: "epoch" | number;
  /** Delete the backup when training ends normally. @default true */
  deleteCheckpoint?: boolean;
}

/** What a backup records besides weights and optimizer state. */
type BackupState = {
  /** The epoch of the backup (0-based). */
  epoch: number;
  /** Batches of `epoch` trained, or null when the epoch was complete. */
  step: number | null;
  /** The random states when `epoch` began: the global generator's, then the model's `SeedGenerator`s'. */
  epochRandomStates: number[];
  /** The random states at the backup, in the same order. */
  randomStates: number[];
};

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function isStates(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === "number");
}

/**
 * The state stored in a backup, checked field by field.
 *
 * @param stored What `loadCheckpoint` returned.
 * @param path The backup file, for the message.
 * @returns The state.
 * @throws {RangeError} When the file holds something else.
 */
function backupStateOf(stored: Record<string, unknown>, path: string): BackupState {
  const { epoch, step, epochRandomStates, randomStates } = stored;
  if (
    !isCount(epoch) || !(step === null || isCount(step)) || !isStates(epochRandomStates) ||
    !isStates(randomStates)
  ) {
    throw new RangeError(
      `Cannot restore ${path} as it is not a BackupAndRestore backup: expected "epoch", "step", "epochRandomStates" and "randomStates", received ${
        JSON.stringify(stored)
      }; delete it to start afresh`,
    );
  }
  return { epoch, step, epochRandomStates, randomStates };
}

/**
 * Backs up the weights, the optimizer state, the position in training
 * (epoch and batch) and kerno's random states (the global generator's and
 * the model's and its layers' `SeedGenerator`s') to `backupDir/backup.ckpt`,
 * one atomically written file. When `fit` starts and a backup exists, it is
 * restored and training continues where the backup was taken: run the same
 * script again after a crash and, with a fixed seed, the final weights equal
 * those of an uninterrupted run, bit for bit.
 *
 * Other callbacks' state (EarlyStopping's patience, a plateau counter) is
 * not backed up; the resumed epoch's logged means cover its resumed part only.
 *
 * @example
 * ```ts ignore
 * import { callbacks } from "../mod.ts";
 * const backup = new callbacks.BackupAndRestore("runs/backup", { saveFreq: 50 });
 * ```
 */
export class BackupAndRestore extends Callback {
  /** The directory of the backup. */
  readonly backupDir: string;
  /** `"epoch"` or a batch count. */
  readonly saveFreq: "epoch" | number;
  /** Whether the backup is deleted at the end of training. */
  readonly deleteCheckpoint: boolean;
  #epoch = 0;
  #epochRandomStates: number[] = [];
  #pendingRandomStates: number[] | null = null;
  #batchesSinceSave = 0;

  /** The keys of {@link BackupAndRestoreOptions}. */
  static optionKeys: readonly string[] = [
    "saveFreq",
    "deleteCheckpoint",
  ] satisfies (keyof BackupAndRestoreOptions)[];

  /**
   * Checks the options.
   *
   * @param backupDir The directory to keep the backup in.
   * @param options See `BackupAndRestoreOptions`.
   */
  constructor(backupDir: string, options: BackupAndRestoreOptions = {}) {
    checkClassOptions(`create ${new.target.name}`, new.target, options);
    super();
    const owner = "BackupAndRestore";
    if (typeof backupDir !== "string" || backupDir === "") {
      throw new TypeError(
        `Cannot create ${owner} as "backupDir" must be a non-empty string: received ${
          String(backupDir)
        }`,
      );
    }
    const freq = options.saveFreq ?? "epoch";
    if (freq !== "epoch" && (!Number.isInteger(freq) || (freq as number) <= 0)) {
      throw new RangeError(
        `Cannot create ${owner} as "saveFreq" must be "epoch" or a positive integer: received ${
          JSON.stringify(freq)
        }`,
      );
    }
    this.backupDir = backupDir.replace(/\/+$/, "");
    this.saveFreq = freq;
    this.deleteCheckpoint = boolean(
      `create ${owner}`,
      "deleteCheckpoint",
      options.deleteCheckpoint ?? true,
    );
  }

  /** The backup file. */
  get path(): string {
    return `${this.backupDir}/backup.ckpt`;
  }

  /** Restores a backup when one exists and tells `fit` where to resume. */
  override async onTrainBegin(): Promise<void> {
    const model = this.model!;
    await Deno.mkdir(this.backupDir, { recursive: true });
    this.#batchesSinceSave = 0;
    this.#pendingRandomStates = null;
    const exists = await Deno.stat(this.path).then(() => true, () => false);
    if (!exists) return;
    const state = backupStateOf(await loadCheckpoint(model, this.path), this.path);
    const { epoch, step } = state;
    if (step === null || (this.params.steps !== null && step >= this.params.steps)) {
      model.resumeFrom = { epoch: epoch + 1, step: 0 }; // the epoch was complete
      this.#restoreRandomStates(state.randomStates);
    } else {
      model.resumeFrom = { epoch, step };
      this.#restoreRandomStates(state.epochRandomStates); // the epoch's shuffle is drawn anew from here
      this.#pendingRandomStates = state.randomStates; // then the states at the backup
    }
  }

  /** Records the random states the epoch starts from. */
  override onEpochBegin(epoch: number): Promise<void> {
    this.#epoch = epoch;
    this.#epochRandomStates = this.#randomStates();
    return Promise.resolve();
  }

  /** On the first batch after a mid-epoch restore, puts back the random states of the backup. */
  override onTrainBatchBegin(): Promise<void> {
    if (this.#pendingRandomStates !== null) {
      this.#restoreRandomStates(this.#pendingRandomStates);
      this.#pendingRandomStates = null;
    }
    return Promise.resolve();
  }

  /** Backs up every `saveFreq` batches. */
  override async onTrainBatchEnd(batch: number): Promise<void> {
    if (this.saveFreq === "epoch") return;
    this.#batchesSinceSave++;
    if (this.#batchesSinceSave >= this.saveFreq) {
      this.#batchesSinceSave = 0;
      await this.#backup(batch + 1);
    }
  }

  /** Backs up after every epoch when `saveFreq` is `"epoch"`. */
  override async onEpochEnd(): Promise<void> {
    if (this.saveFreq === "epoch") await this.#backup(null);
  }

  /** Deletes the backup (when `deleteCheckpoint`) as training ended normally. */
  override async onTrainEnd(): Promise<void> {
    if (!this.deleteCheckpoint) return;
    await Deno.remove(this.path).catch(() => {});
    await Deno.remove(this.backupDir).catch(() => {}); // only when empty
  }

  async #backup(step: number | null): Promise<void> {
    const state: BackupState = {
      epoch: this.#epoch,
      step,
      epochRandomStates: this.#epochRandomStates,
      randomStates: this.#randomStates(),
    };
    await saveCheckpoint(this.model!, this.path, state);
  }

  /** The global generator's state, then those of the model's and its layers' `SeedGenerator`s. */
  #randomStates(): number[] {
    return [getRandomState(), ...seedGeneratorsOf(this.model!).map((g) => g.state)];
  }

  #restoreRandomStates(states: unknown): void {
    const generators = seedGeneratorsOf(this.model!);
    const expected = generators.length + 1; // the global generator's, then each SeedGenerator's
    if (!Array.isArray(states) || states.length !== expected) {
      const received = Array.isArray(states) ? states.length : String(states);
      throw new RangeError(
        `Cannot restore ${this.path} into ${
          this.model!.name
        } as the backup holds a different number of random states: expected ${expected}, received ${received}; delete the backup if the model changed`,
      );
    }
    setRandomState(states[0]);
    generators.forEach((g, i) => g.state = states[i + 1]);
  }
}
