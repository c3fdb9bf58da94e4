/**
 * Reading CSV text: records split from a stream of text (quoted fields per
 * RFC 4180, which may hold delimiters, doubled quotes and line breaks),
 * by chunk of the stream, and plain decimals parsed in place.
 *
 * @module
 */

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A plain decimal (`-12.5`, `3e-4`) parsed from `s[a, b)`; `NaN` for
 * anything else (blanks, `NaN`, too many digits), which the caller reads
 * with `Number`. Exact as `Number` is: at most 15 significant digits and
 * powers of ten up to 22, so one correctly rounded multiplication or
 * division.
 */
export function decimalAt(s: string, a: number, b: number): number {
  let i = a;
  let c = s.charCodeAt(i);
  const negative = c === 45;
  if (c === 45 || c === 43) c = s.charCodeAt(++i);
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let seen = false;
  for (; i < b; c = s.charCodeAt(++i)) {
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      if (mantissa > 0) digits++;
      seen = true;
    } else break;
  }
  if (c === 46 && i < b) {
    for (c = s.charCodeAt(++i); i < b; c = s.charCodeAt(++i)) {
      if (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        if (mantissa > 0) digits++;
        scale--;
        seen = true;
      } else break;
    }
  }
  if (!seen || digits > 15) return NaN;
  if ((c === 101 || c === 69) && i < b) {
    c = s.charCodeAt(++i);
    const expNegative = c === 45;
    if (c === 45 || c === 43) c = s.charCodeAt(++i);
    let exp = 0;
    let expDigits = 0;
    for (; i < b; c = s.charCodeAt(++i)) {
      if (c >= 48 && c <= 57 && expDigits < 4) {
        exp = exp * 10 + (c - 48);
        expDigits++;
      } else break;
    }
    if (expDigits === 0) return NaN;
    scale += expNegative ? -exp : exp;
  }
  if (i !== b || scale > 22 || scale < -22) return NaN;
  const v = scale >= 0 ? mantissa * POW10[scale] : mantissa / POW10[-scale];
  return negative ? -v : v;
}

/**
 * A record: the line it starts on (1-based) and its fields — or, read raw,
 * `fields: null` and its line as `text.slice(start, end)` (unquoted lines).
 */
export interface CsvRecord {
  fields: string[] | null;
  line: number;
  text: string;
  start: number;
  end: number;
}

/**
 * Splits a stream of text into records. Blank lines are skipped; a line
 * without quotes is split directly, one with quotes goes through the
 * quote-aware parser, which may read on across line breaks.
 *
 * @param text The decoded file.
 * @param delimiter The field separator.
 * @returns The records, in order.
 */
export async function* readRecords(
  text: ReadableStream<string>,
  delimiter: string,
): AsyncGenerator<CsvRecord, void, undefined> {
  for await (const chunk of readRecordChunks(text, delimiter, false)) yield* chunk;
}

/**
 * {@link readRecords} by chunk of the stream (one await per chunk, not per
 * record); with `raw`, unquoted lines are left unsplit.
 */
export async function* readRecordChunks(
  text: ReadableStream<string>,
  delimiter: string,
  raw: boolean,
): AsyncGenerator<CsvRecord[], void, undefined> {
  let buf = "";
  let pos = 0;
  let line = 1;
  let quoteAt = -2; // the next quote at or after pos; -1: none in buf; -2: to find
  const reader = text.getReader();
  try {
    let eof = false;
    while (!eof) {
      const { value, done } = await reader.read();
      if (done) {
        eof = true;
        if (pos < buf.length && !buf.endsWith("\n")) buf += "\n";
      } else {
        buf = buf.slice(pos) + value;
        pos = 0;
      }
      quoteAt = -2;
      const records: CsvRecord[] = [];
      while (pos < buf.length) {
        const nl = buf.indexOf("\n", pos);
        if (nl === -1) break;
        if (quoteAt === -2 || (quoteAt !== -1 && quoteAt < pos)) quoteAt = buf.indexOf('"', pos);
        if (quoteAt === -1 || quoteAt > nl) {
          const end = nl > pos && buf.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
          if (end > pos) {
            const fields = raw ? null : buf.slice(pos, end).split(delimiter);
            records.push({ fields, line, text: buf, start: pos, end });
          }
          pos = nl + 1;
          line++;
          continue;
        }
        const parsed = parseQuoted(buf, pos, delimiter);
        if (parsed === null) {
          if (eof) {
            throw new RangeError(
              `Cannot read a CSV Dataset as the quoted field starting on line ${line} is never closed`,
            );
          }
          break;
        }
        records.push({ fields: parsed.fields, line, text: buf, start: pos, end: parsed.end });
        line += parsed.lines;
        pos = parsed.end;
      }
      if (records.length > 0) yield records;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/**
 * Parses one record that holds quotes, from `start` to its line break.
 *
 * @returns The fields, the index after the line break and how many line
 *   breaks it spans, or `null` when `buf` ends inside it.
 */
function parseQuoted(
  buf: string,
  start: number,
  delimiter: string,
): { fields: string[]; end: number; lines: number } | null {
  const fields: string[] = [];
  let field = "";
  let i = start;
  let lines = 1;
  let quoted = false;
  let wasQuoted = false;
  while (i < buf.length) {
    const ch = buf[i];
    if (quoted) {
      if (ch === '"') {
        if (buf[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        if (i + 1 >= buf.length) return null; // cannot tell a doubled quote yet
        quoted = false;
      } else {
        if (ch === "\n") lines++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === "" && !wasQuoted) {
      quoted = wasQuoted = true;
    } else if (ch === delimiter) {
      fields.push(field);
      field = "";
      wasQuoted = false;
    } else if (ch === "\n") {
      fields.push(field.endsWith("\r") && !wasQuoted ? field.slice(0, -1) : field);
      return { fields, end: i + 1, lines: lines };
    } else if (!(ch === "\r" && wasQuoted)) {
      field += ch;
    }
    i++;
  }
  return null;
}
