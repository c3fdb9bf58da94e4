/**
 * `BackupAndRestore`: resumes training after the process was killed.
 *
 * @module
 */
import { Callback } from "./callback.ts";
import { boolean } from "./_validate.ts";
import { getRandomState, setRandomState } from "../engine/random.ts";
import { loadCheckpoint, saveCheckpoint } from "../io/save_model.ts";

/** Options of `BackupAndRestore`. */
export interface BackupAndRestoreOptions {
  /** `"epoch"`: back up after every epoch; a number: after every that many training batches. @default "epoch" */
  saveFreq?: "epoch" | number;
  /** Delete the backup when training ends normally. @default true */
  deleteCheckpoint?: boolean;
}

/** What a backup records besides weights and optimizer state. */
interface BackupState {
  /** The epoch of the backup (0-based). */
  epoch: number;
  /** Batches of `epoch` trained, or null when the epoch was complete. */
  step: number | null;
  /** The global random state when `epoch` began. */
  epochRandomState: number;
  /** The global random state at the backup. */
  randomState: number;
}

/**
 * Backs up the weights, the optimizer state, the position in training
 * (epoch and batch) and kerno's random state to `backupDir/backup.ckpt`,
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
  #epochRandomState = 0;
  #pendingRandomState: number | null = null;
  #batchesSinceSave = 0;

  /**
   * Checks the options.
   *
   * @param backupDir The directory to keep the backup in.
   * @param options See `BackupAndRestoreOptions`.
   */
  constructor(backupDir: string, options: BackupAndRestoreOptions = {}) {
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
    this.deleteCheckpoint = boolean(owner, "deleteCheckpoint", options.deleteCheckpoint ?? true);
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
    this.#pendingRandomState = null;
    const exists = await Deno.stat(this.path).then(() => true, () => false);
    if (!exists) return;
    const state = await loadCheckpoint(model, this.path) as unknown as BackupState;
    const resume = model as typeof model & {
      resumeEpoch?: number | null;
      resumeStep?: number | null;
    };
    const complete = state.step === null ||
      (this.params.steps !== null && state.step >= this.params.steps);
    if (complete) {
      resume.resumeEpoch = state.epoch + 1;
      resume.resumeStep = 0;
      setRandomState(state.randomState);
    } else {
      resume.resumeEpoch = state.epoch;
      resume.resumeStep = state.step;
      setRandomState(state.epochRandomState); // the epoch's shuffle is drawn anew from here
      this.#pendingRandomState = state.randomState; // then the state at the backup
    }
  }

  /** Records the random state the epoch starts from. */
  override onEpochBegin(epoch: number): Promise<void> {
    this.#epoch = epoch;
    this.#epochRandomState = getRandomState();
    return Promise.resolve();
  }

  /** On the first batch after a mid-epoch restore, puts back the random state of the backup. */
  override onTrainBatchBegin(): Promise<void> {
    if (this.#pendingRandomState !== null) {
      setRandomState(this.#pendingRandomState);
      this.#pendingRandomState = null;
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
      epochRandomState: this.#epochRandomState,
      randomState: getRandomState(),
    };
    await saveCheckpoint(this.model!, this.path, state as unknown as Record<string, unknown>);
  }
}
