/**
 * Internal: turns an embedded data module's base64 gzip string back into
 * text, and parses numeric tables.
 *
 * @module
 */

/**
 * Decodes base64, then gunzips with `DecompressionStream("gzip")`.
 *
 * @param base64Gzip The string exported by a `_data/<name>.ts` module.
 * @returns The original file's text.
 */
export async function decodeEmbedded(base64Gzip: string): Promise<string> {
  const binary = atob(base64Gzip);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}

/**
 * Parses a table of numbers, one row per non-empty line.
 *
 * @param text The file's text.
 * @param separator A string or pattern between values (`","` or `/\s+/`).
 * @param skipLines How many leading lines (headers) to skip.
 * @returns The rows as arrays of numbers.
 */
export function parseNumbers(
  text: string,
  separator: string | RegExp,
  skipLines = 0,
): number[][] {
  const lines = text.split("\n").slice(skipLines);
  const rows: number[][] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === "") continue;
    rows.push(trimmed.split(separator).map(Number));
  }
  return rows;
}
