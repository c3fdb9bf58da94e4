/**
 * TextVectorization's string steps, on plain JavaScript strings: the
 * standardization (`"lower"`, `"strip_punctuation"`, both, or a function),
 * the split into tokens (`"whitespace"`, `"character"`, none, or a function)
 * and the n-grams, each with the semantics of the TensorFlow ops Keras 3
 * runs (`tf.strings.lower`, `tf.strings.regex_replace`, `tf.strings.split`,
 * `tf.strings.unicode_split`, `tf.strings.ngrams`):
 *
 * - `"lower"` lowercases every letter by Unicode's default case mapping
 *   (`"ÉTÉ"` → `"été"`, `"ΣΟΦΊΑ"` → `"σοφία"`), locale-independent. Keras 3
 *   calls `tf.strings.lower` with its default encoding, which changes A–Z
 *   only; on ASCII text the two agree, and kerno's is what a vocabulary of
 *   any other script needs.
 * - `"strip_punctuation"` removes the 32 ASCII punctuation characters
 *   (Keras's pattern `[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~']`); other
 *   characters, accented letters and emoji included, are kept whole.
 * - `"whitespace"` splits on runs of ASCII whitespace (space, tab, line
 *   feed, vertical tab, form feed, carriage return), dropping empty tokens;
 *   a no-break space is not a separator.
 * - `"character"` splits into Unicode code points (a surrogate pair is one
 *   token).
 * - n-grams of the widths asked, each width's in order, joined with one
 *   space; a document shorter than a width has none of that width.
 *
 * @module
 */
import { reject, show } from "../engine/validate.ts";

/** How TextVectorization standardizes each string before splitting it. */
export type StandardizeOption =
  | "lower_and_strip_punctuation"
  | "lower"
  | "strip_punctuation"
  | null
  | ((text: string) => string);

/** How TextVectorization splits each standardized string into tokens. */
export type SplitOption = "whitespace" | "character" | null | ((text: string) => string[]);

const STANDARDIZE_NAMES = ["lower_and_strip_punctuation", "lower", "strip_punctuation"] as const;
const SPLIT_NAMES = ["whitespace", "character"] as const;

/** The ASCII punctuation Keras's `strip_punctuation` removes. */
const PUNCTUATION = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']/g;

/** Runs of the whitespace `tf.strings.split` splits on (ASCII only). */
const WHITESPACE = /[ \t\n\v\f\r]+/;

/**
 * Checks a `standardize` option.
 *
 * @param what What was being done, for messages.
 * @param value The option.
 * @returns The option.
 */
export function standardizeOption(what: string, value: unknown): StandardizeOption {
  if (value === null || typeof value === "function") return value as StandardizeOption;
  if (!STANDARDIZE_NAMES.includes(value as typeof STANDARDIZE_NAMES[number])) {
    const names = STANDARDIZE_NAMES.map((n) => JSON.stringify(n)).join(", ");
    reject(what, "standardize", value, `one of ${names}, null or a function`);
  }
  return value as StandardizeOption;
}

/**
 * Checks a `split` option.
 *
 * @param what What was being done, for messages.
 * @param value The option.
 * @returns The option.
 */
export function splitOption(what: string, value: unknown): SplitOption {
  if (value === null || typeof value === "function") return value as SplitOption;
  if (!SPLIT_NAMES.includes(value as typeof SPLIT_NAMES[number])) {
    reject(what, "split", value, `one of "whitespace", "character", null or a function`);
  }
  return value as SplitOption;
}

/**
 * Checks an `ngrams` option and lists the widths it asks for: an integer
 * `n` means 1 to `n`, a list means those widths, `null` means none.
 *
 * @param what What was being done, for messages.
 * @param value The option.
 * @returns The widths in order, or `null`.
 */
export function ngramWidths(what: string, value: unknown): number[] | null {
  if (value === null || value === undefined) return null;
  const want = "null, a positive integer or a non-empty list of positive integers";
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 1) reject(what, "ngrams", value, want, RangeError);
    return Array.from({ length: value }, (_, i) => i + 1);
  }
  if (!Array.isArray(value) || value.length === 0) reject(what, "ngrams", value, want);
  if (value.some((w) => typeof w !== "number" || !Number.isInteger(w) || w < 1)) {
    reject(what, "ngrams", value, want, RangeError);
  }
  return [...value];
}

/**
 * Lowercases a string by Unicode's default case mapping (locale-independent).
 *
 * @param text The string.
 * @returns The string lowercased.
 */
export function lowerCase(text: string): string {
  return text.toLowerCase();
}

/**
 * Removes the ASCII punctuation characters Keras's `strip_punctuation` removes.
 *
 * @param text The string.
 * @returns The string without them.
 */
export function stripPunctuation(text: string): string {
  return text.replace(PUNCTUATION, "");
}

/**
 * Standardizes one string.
 *
 * @param text The string.
 * @param option The `standardize` option.
 * @param what What was being done, for the message of a function returning a non-string.
 * @returns The standardized string.
 */
export function standardizeText(text: string, option: StandardizeOption, what: string): string {
  if (option === null) return text;
  if (typeof option === "function") {
    const out = option(text);
    if (typeof out !== "string") {
      throw new TypeError(
        `Cannot ${what} as its "standardize" function must return a string: received ${
          show(out)
        } for ${JSON.stringify(text)}`,
      );
    }
    return out;
  }
  const lowered = option === "strip_punctuation" ? text : lowerCase(text);
  return option === "lower" ? lowered : stripPunctuation(lowered);
}

/**
 * Splits one standardized string into tokens.
 *
 * @param text The string.
 * @param option The `split` option.
 * @param what What was being done, for the message of a function returning a non-array.
 * @returns The tokens (the string itself when `option` is `null`).
 */
export function splitText(text: string, option: SplitOption, what: string): string[] {
  if (option === null) return [text];
  if (option === "character") return Array.from(text);
  if (option === "whitespace") {
    const parts = text.split(WHITESPACE);
    // Leading or trailing whitespace leaves an empty first or last part.
    if (parts.length > 0 && parts[0] === "") parts.shift();
    if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
    return parts;
  }
  const out = option(text);
  if (!Array.isArray(out) || out.some((t) => typeof t !== "string")) {
    throw new TypeError(
      `Cannot ${what} as its "split" function must return an array of strings: received ${
        show(out)
      } for ${JSON.stringify(text)}`,
    );
  }
  return out;
}

/**
 * The n-grams of a token sequence: for each width in order, every run of
 * that many consecutive tokens joined with a space.
 *
 * @param tokens The tokens.
 * @param widths The widths.
 * @returns The n-grams (none of a width longer than the sequence).
 */
export function ngrams(tokens: readonly string[], widths: readonly number[]): string[] {
  const out: string[] = [];
  for (const w of widths) {
    if (w === 1) {
      out.push(...tokens);
      continue;
    }
    for (let i = 0; i + w <= tokens.length; i++) out.push(tokens.slice(i, i + w).join(" "));
  }
  return out;
}

/**
 * A string's tokens after the three steps: standardized, split, n-grams.
 *
 * @param text The raw string.
 * @param steps The options of the three steps.
 * @param what What was being done, for messages.
 * @returns The tokens.
 */
export function tokenize(
  text: string,
  steps: { standardize: StandardizeOption; split: SplitOption; ngrams: number[] | null },
  what: string,
): string[] {
  const tokens = splitText(standardizeText(text, steps.standardize, what), steps.split, what);
  return steps.ngrams === null ? tokens : ngrams(tokens, steps.ngrams);
}
