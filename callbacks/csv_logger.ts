/**
 * `CSVLogger`: writes every epoch's logs as a row of a CSV file.
 *
 * @module
 */
import { Callback, type Logs } from "./callback.ts";
import { boolean } from "../engine/validate.ts";
import { checkClassOptions } from "../engine/options.ts";

/** Options of `CSVLogger`. */
export interface CSVLoggerOptions {
  /** The column separator. @default "," */
  separator?: string;
  /** Add rows to an existing file (its header is kept) instead of replacing it. @default false */
  append?: boolean;
}

/**
 * Streams epoch logs to a CSV file: a header `epoch` + the sorted keys of the
 * first epoch's logs (plus their `val_` versions when the first epoch had no
 * validation, as Keras does, so that `validationFreq > 1` still gets
 * columns), then one row per epoch with the 0-based epoch and the values
 * (`NA` where a key is missing). Each row is written and flushed at the end
 * of its epoch, so a crash loses nothing already logged. The file is opened
 * (created or emptied) when training begins, so an unwritable path is
 * reported before the first batch.
 *
 * @example
 * ```ts
 * import { callbacks } from "../mod.ts";
 * const logger = new callbacks.CSVLogger("runs/training.csv", { append: true });
 * console.log(logger.path);
 * ```
 */
export class CSVLogger extends Callback {
  /** The file written. */
  readonly path: string;
  /** The column separator. */
  readonly separator: string;
  /** Whether rows are added to an existing file. */
  readonly append: boolean;
  #keys: string[] | null = null;
  #writeHeader = true;

  /** The keys of {@link CSVLoggerOptions}. */
  static optionKeys: readonly string[] = [
    "separator",
    "append",
  ] satisfies (keyof CSVLoggerOptions)[];

  /**
   * Checks the options; the file is opened when training begins.
   *
   * @param path The CSV file's path.
   * @param options See `CSVLoggerOptions`.
   */
  constructor(path: string, options: CSVLoggerOptions = {}) {
    checkClassOptions(`create ${new.target.name}`, new.target, options);
    super();
    if (typeof path !== "string" || path === "") {
      throw new TypeError(
        `Cannot create CSVLogger as "path" must be a file path: received ${String(path)}`,
      );
    }
    const { separator = ",", append = false } = options;
    if (typeof separator !== "string" || separator.length !== 1 || /["\r\n]/.test(separator)) {
      throw new TypeError(
        `Cannot create CSVLogger as "separator" must be one character other than a quote or newline: received ${
          JSON.stringify(separator)
        }`,
      );
    }
    boolean("create CSVLogger", "append", append);
    this.path = path;
    this.separator = separator;
    this.append = append;
  }

  /** Creates or empties the file (append keeps it); throws if it cannot be written. */
  override onTrainBegin(): Promise<void> {
    this.#keys = null;
    this.#writeHeader = !(this.append && this.#hasContent());
    try {
      Deno.writeTextFileSync(this.path, "", { append: this.append });
    } catch (error) {
      throw new TypeError(
        `Cannot write CSVLogger's file "${this.path}": ${
          (error as Error).message
        }; check that its folder exists and is writable`,
        { cause: error },
      );
    }
    return Promise.resolve();
  }

  /** Writes the header (first epoch) and the epoch's row, and flushes them. */
  override onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    let text = "";
    if (this.#keys === null) {
      const keys = Object.keys(logs).sort();
      if (!keys.some((k) => k.startsWith("val_"))) {
        keys.push(...keys.filter((k) => k !== "learning_rate").map((k) => `val_${k}`));
      }
      this.#keys = keys;
      if (this.#writeHeader) text += this.#row(["epoch", ...keys]);
    }
    const values = this.#keys.map((k) => (k in logs ? String(logs[k]) : "NA"));
    text += this.#row([String(epoch), ...values]);
    Deno.writeTextFileSync(this.path, text, { append: true });
    return Promise.resolve();
  }

  #row(cells: string[]): string {
    return cells.map((c) => this.#quote(c)).join(this.separator) + "\n";
  }

  #quote(cell: string): string {
    return cell.includes(this.separator) || /["\r\n]/.test(cell)
      ? `"${cell.replaceAll('"', '""')}"`
      : cell;
  }

  #hasContent(): boolean {
    try {
      return Deno.statSync(this.path).size > 0;
    } catch {
      return false;
    }
  }
}
