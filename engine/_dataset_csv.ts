/**
 * `Dataset.csv`'s reader: a CSV file streamed record by record (quoted
 * fields per RFC 4180, which may hold delimiters, doubled quotes and line
 * breaks), never held whole, and turned into `[features, label]` elements.
 *
 * @module
 */
import { type AsyncChunks, elementsOf, type Pipe, refuseSync } from "./_dataset_pipe.ts";
import { checkOptions } from "./options.ts";
import { type CsvRecord, decimalAt, readRecordChunks } from "./_csv_reader.ts";
import { boolean, oneOf, reject } from "./validate.ts";

/** A column's default: a number (a numeric column), a string (a text column) or `null` (numeric, required). */
export type CsvDefault = number | string | null;

/** Options of `Dataset.csv`. */
export interface CsvOptions {
  /**
   * The columns' names, in file order. With `header: true` they replace the
   * names in the header line; with `header: false` they are required.
   * @default the header line's names
   */
  columns?: string[];
  /** The label column; elements are `[features, label]`. Without it, elements are the features alone. */
  label?: string;
  /** Whether the first line names the columns. @default true */
  header?: boolean;
  /** The field separator, one character. @default "," */
  delimiter?: string;
  /**
   * Per column (an array in file order, or a record by name): a number makes
   * the column numeric and fills its empty fields; a string makes it text
   * (kept as strings) and fills its empty fields; `null` keeps it numeric
   * with no default (an empty field is an error).
   * @default every column numeric, none empty
   */
  columnDefaults?: CsvDefault[] | Record<string, CsvDefault>;
  /** Read only these columns (the label among them, if any). @default every column */
  selectColumns?: string[];
  /**
   * `"vector"`: the feature columns in file order as one `Float32Array` (what
   * a model of one input takes; every feature column must be numeric);
   * `"record"`: an object keyed by column name, numbers and strings (for
   * a model with one named input per column).
   * @default "vector"
   */
  featuresAs?: "vector" | "record";
}

/** The keys of {@link CsvOptions}. */
export const CSV_OPTION_KEYS: readonly (keyof CsvOptions)[] = [
  "columns",
  "label",
  "header",
  "delimiter",
  "columnDefaults",
  "selectColumns",
  "featuresAs",
];

const WHAT = "read a CSV Dataset";

/** Checks `Dataset.csv`'s arguments that need no file. */
export function checkCsvOptions(
  path: string | URL,
  options: CsvOptions,
): Required<Pick<CsvOptions, "header" | "delimiter" | "featuresAs">> {
  if (typeof path !== "string" && !(path instanceof URL)) reject(WHAT, "path", path, "a file path");
  checkOptions(WHAT, options, CSV_OPTION_KEYS);
  const header = boolean(WHAT, "header", options.header, true);
  const delimiter = options.delimiter ?? ",";
  if (
    typeof delimiter !== "string" || delimiter.length !== 1 || delimiter === '"' ||
    /[\r\n]/.test(delimiter)
  ) {
    reject(WHAT, "delimiter", delimiter, "one character other than a quote or a line break");
  }
  const featuresAs = oneOf(WHAT, "featuresAs", options.featuresAs ?? "vector", [
    "vector",
    "record",
  ]);
  for (const key of ["columns", "selectColumns"] as const) {
    const v = options[key];
    if (v !== undefined && (!Array.isArray(v) || v.some((c) => typeof c !== "string"))) {
      reject(WHAT, key, v, "an array of column names");
    }
  }
  if (options.label !== undefined && typeof options.label !== "string") {
    reject(WHAT, "label", options.label, "a column name");
  }
  if (!header && options.columns === undefined) {
    throw new TypeError(
      `Cannot ${WHAT} as "header" is false and "columns" is missing: name the columns`,
    );
  }
  const d = options.columnDefaults;
  if (d !== undefined && (d === null || typeof d !== "object")) {
    reject(WHAT, "columnDefaults", d, "an array (one per column) or a record by column name");
  }
  return { header, delimiter, featuresAs };
}

/** What to do with each column. */
interface Column {
  name: string;
  text: boolean;
  fallback: number | string | null;
  /** Index in the feature vector, -1 for the label, null when skipped. */
  slot: number | null;
}

/**
 * A source of the CSV's elements: one pass reads the file once.
 *
 * @param path The file.
 * @param options `Dataset.csv`'s options (checked).
 * @returns The pipe.
 */
export function csvPipe(path: string | URL, options: CsvOptions): Pipe {
  const checked = checkCsvOptions(path, options);
  const name = path instanceof URL ? path.pathname : path;
  return {
    asyncReason: "a CSV file",
    cardinality: null,
    open: refuseSync("it reads a CSV file"),
    openAsync() {
      return elementsOf(this.openChunks!());
    },
    async *openChunks(): AsyncChunks {
      let file: Deno.FsFile;
      try {
        file = await Deno.open(path);
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) {
          throw new Deno.errors.NotFound(`Cannot ${WHAT} as "${name}" does not exist`);
        }
        throw e;
      }
      const chunks = readRecordChunks(
        file.readable.pipeThrough(new TextDecoderStream()),
        checked.delimiter,
        true,
      );
      try {
        let columns: Column[] | null = null;
        let names: string[] | null = options.columns ?? null;
        const labelled = options.label !== undefined;
        for await (const chunk of chunks) {
          const elements: unknown[] = [];
          // A bad row fails the pass after the rows before it (as tf.data's CSV
          // reader): they are yielded first.
          let failure: { error: unknown } | null = null;
          try {
            for (const record of chunk) {
              if (columns === null) {
                const fields = fieldsOf(record, checked.delimiter);
                if (checked.header) {
                  if (record.line === 1 && fields.length > 0) {
                    fields[0] = fields[0].replace(/^\uFEFF/, "");
                  }
                  names ??= fields;
                  columns = plan(name, names, options, checked.featuresAs);
                  if (names.length !== fields.length) {
                    fieldCount(name, record.line, fields.length, names);
                  }
                  continue;
                }
                columns = plan(name, names!, options, checked.featuresAs);
              }
              elements.push(
                record.fields === null
                  ? lineElement(
                    name,
                    record,
                    checked.delimiter,
                    columns,
                    labelled,
                    checked.featuresAs,
                  )
                  : rowElement(
                    name,
                    record.line,
                    record.fields,
                    columns,
                    labelled,
                    checked.featuresAs,
                  ),
              );
            }
          } catch (error) {
            failure = { error };
          }
          if (elements.length > 0) yield elements;
          if (failure !== null) throw failure.error;
        }
      } finally {
        await chunks.return(undefined);
      }
    },
  };
}

/** Resolves every column's kind, default and place from the names and the options. */
function plan(
  file: string,
  names: string[],
  options: CsvOptions,
  featuresAs: "vector" | "record",
): Column[] {
  const known = (arg: string, n: string) => {
    if (!names.includes(n)) {
      throw new RangeError(
        `Cannot ${WHAT} "${file}" as "${arg}" names the column "${n}", which it does not have: its columns are ${
          JSON.stringify(names)
        }`,
      );
    }
  };
  if (options.label !== undefined) known("label", options.label);
  options.selectColumns?.forEach((c) => known("selectColumns", c));
  const d = options.columnDefaults;
  if (Array.isArray(d) && d.length !== names.length) {
    throw new RangeError(
      `Cannot ${WHAT} "${file}" as "columnDefaults" holds ${d.length} entries for ${names.length} columns`,
    );
  }
  if (d && !Array.isArray(d)) Object.keys(d).forEach((c) => known("columnDefaults", c));
  let slot = 0;
  return names.map((n, i) => {
    const fallback = d === undefined ? null : Array.isArray(d) ? d[i] : d[n] ?? null;
    if (fallback !== null && typeof fallback !== "number" && typeof fallback !== "string") {
      reject(WHAT, `columnDefaults for "${n}"`, fallback, "a number, a string or null");
    }
    const text = typeof fallback === "string";
    const kept = options.selectColumns === undefined || options.selectColumns.includes(n) ||
      n === options.label;
    const isLabel = n === options.label;
    if (kept && !isLabel && text && featuresAs === "vector") {
      throw new TypeError(
        `Cannot ${WHAT} "${file}" as the column "${n}" holds text (its default is a string), which a feature vector cannot hold: pass featuresAs: "record", or leave it out with "selectColumns"`,
      );
    }
    return { name: n, text, fallback, slot: !kept ? null : isLabel ? -1 : slot++ };
  });
}

function fieldCount(file: string, line: number, n: number, names: string[]): never {
  throw new RangeError(
    `Cannot ${WHAT} "${file}" as line ${line} holds ${n} field${
      n === 1 ? "" : "s"
    }: expected ${names.length} (${names.join(", ")})`,
  );
}

/** A record's fields, split from its line when it came raw. */
function fieldsOf(record: CsvRecord, delimiter: string): string[] {
  return record.fields ?? record.text.slice(record.start, record.end).split(delimiter);
}

/** New feature storage for one row. */
function newFeatures(
  columns: Column[],
  featuresAs: "vector" | "record",
): Float32Array | Record<string, number | string> {
  if (featuresAs === "record") return {};
  let k = 0;
  for (const c of columns) if (c.slot !== null && c.slot >= 0) k++;
  return new Float32Array(k);
}

/**
 * One unquoted line as an element, read in place: fields are found with
 * `indexOf` and numbers parsed from the characters, so no string is made per
 * field (the hot path of a large file).
 */
function lineElement(
  file: string,
  record: CsvRecord,
  delimiter: string,
  columns: Column[],
  labelled: boolean,
  featuresAs: "vector" | "record",
): unknown {
  const { text, end } = record;
  const features = newFeatures(columns, featuresAs);
  let label: number | string = 0;
  let p = record.start;
  const last = columns.length - 1;
  for (let i = 0; i <= last; i++) {
    let q = text.indexOf(delimiter, p);
    if (q === -1 || q > end) q = end;
    if ((i < last && q === end) || (i === last && q !== end)) {
      const fields = fieldsOf(record, delimiter);
      fieldCount(file, record.line, fields.length, columns.map((c) => c.name));
    }
    const c = columns[i];
    if (c.slot !== null) {
      let v: number | string;
      if (c.text) v = q > p ? text.slice(p, q) : c.fallback as string;
      else {
        v = decimalAt(text, p, q);
        if (Number.isNaN(v)) v = numberField(file, record.line, text.slice(p, q), c);
      }
      if (c.slot === -1) label = v;
      else if (features instanceof Float32Array) features[c.slot] = v as number;
      else features[c.name] = v;
    }
    p = q + 1;
  }
  return labelled ? [features, label] : features;
}

/** One record as an element. */
function rowElement(
  file: string,
  line: number,
  fields: string[],
  columns: Column[],
  labelled: boolean,
  featuresAs: "vector" | "record",
): unknown {
  if (fields.length !== columns.length) {
    fieldCount(
      file,
      line,
      fields.length,
      columns.map((c) => c.name),
    );
  }
  const features: Float32Array | Record<string, number | string> = featuresAs === "vector"
    ? new Float32Array(columns.reduce((k, c) => k + (c.slot !== null && c.slot >= 0 ? 1 : 0), 0))
    : {};
  let label: number | string = 0;
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i];
    if (c.slot === null) continue;
    const v = c.text ? textField(fields[i], c) : numberField(file, line, fields[i], c);
    if (c.slot === -1) label = v;
    else if (features instanceof Float32Array) features[c.slot] = v as number;
    else features[c.name] = v;
  }
  return labelled ? [features, label] : features;
}

function textField(field: string, c: Column): string {
  return field === "" ? c.fallback as string : field;
}

function numberField(file: string, line: number, field: string, c: Column): number {
  const v = Number(field); // "" and blanks read 0: told apart below, only for zeros
  if (v !== 0 && !Number.isNaN(v)) return v;
  if (field.trim() === "") {
    if (c.fallback === null) {
      throw new RangeError(
        `Cannot ${WHAT} "${file}" as line ${line}, column "${c.name}" is empty and the column has no default: give one in "columnDefaults"`,
      );
    }
    return c.fallback as number;
  }
  if (Number.isNaN(v) && !/^\s*nan\s*$/i.test(field)) {
    throw new TypeError(
      `Cannot ${WHAT} "${file}" as line ${line}, column "${c.name}" holds ${
        JSON.stringify(field.length > 40 ? `${field.slice(0, 40)}…` : field)
      }, which is not a number: give the column a string in "columnDefaults" to read it as text`,
    );
  }
  return v;
}
