/**
 * Reading a CSV file with a header row into features and a target, for
 * `kerno train data.csv --target column`. Internal.
 *
 * @module
 */
import { tf } from "../mod.ts";

/** A table read from CSV: numeric features and the target. */
export interface CsvData {
  /** Features `[rows, columns]`. */
  x: tf.Tensor2D;
  /** Class indices (int32) for classification, values (float32) for regression. */
  y: tf.Tensor1D;
  /** Names of the feature columns. */
  featureNames: string[];
  /** For classification, the name of each class index. */
  classNames?: string[];
}

/** Splits one CSV line, honouring double-quoted fields. */
function splitLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === "," && !quoted) {
      fields.push(field.trim());
      field = "";
    } else {
      field += ch;
    }
  }
  fields.push(field.trim());
  return fields;
}

/**
 * Reads a CSV file. The target is a classification target when any value is
 * not a number, or when all are integers with at most 20 distinct values.
 *
 * @param path The file.
 * @param target The target column's name.
 * @returns Features, target and names.
 */
export async function readCsv(path: string, target: string): Promise<CsvData> {
  const lines = (await Deno.readTextFile(path)).split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length < 2) {
    throw new RangeError(`Cannot read ${path} as it needs a header row and data rows`);
  }
  const header = splitLine(lines[0]);
  const t = header.indexOf(target);
  if (t < 0) {
    throw new RangeError(
      `Cannot read ${path} as it has no column "${target}": columns are ${header.join(", ")}`,
    );
  }
  const rows = lines.slice(1).map(splitLine);
  const featureNames = header.filter((_, j) => j !== t);
  const x = new Float32Array(rows.length * featureNames.length);
  rows.forEach((row, i) => {
    if (row.length !== header.length) {
      throw new RangeError(
        `Cannot read ${path} as row ${i + 2} has ${row.length} fields, the header ${header.length}`,
      );
    }
    let k = 0;
    row.forEach((cell, j) => {
      if (j === t) return;
      const v = Number(cell);
      if (cell === "" || Number.isNaN(v)) {
        throw new RangeError(
          `Cannot read ${path} as column "${header[j]}" must hold numbers: row ${
            i + 2
          } has "${cell}"`,
        );
      }
      x[i * featureNames.length + k++] = v;
    });
  });
  const targets = rows.map((row) => row[t]);
  const numbers = targets.map(Number);
  const distinct = [...new Set(targets)];
  const numeric = targets.every((v, i) => v !== "" && !Number.isNaN(numbers[i]));
  const classify = !numeric || (numbers.every(Number.isInteger) && distinct.length <= 20);
  const xs = tf.tensor2d(x, [rows.length, featureNames.length]);
  if (!classify) return { x: xs, y: tf.tensor1d(numbers, "float32"), featureNames };
  const classNames = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
  const index = new Map(classNames.map((name, i) => [name, i]));
  const y = tf.tensor1d(targets.map((v) => index.get(v)!), "int32");
  return { x: xs, y, featureNames, classNames };
}
