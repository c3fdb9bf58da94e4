/**
 * Internal: reads a word index file (JSON `{ word: rank }`).
 *
 * @module
 */

/**
 * Parses a word index and checks that every rank is a positive integer.
 *
 * @param bytes The JSON file.
 * @param path The file's path, for errors.
 * @returns A record from word to rank.
 */
export function readWordIndex(bytes: Uint8Array, path: string): Record<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new TypeError(
      `Cannot read the word index ${path} as it is not JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new TypeError(
      `Cannot read the word index ${path} as it is not a JSON object of word: rank`,
    );
  }
  const index: Record<string, number> = Object.create(null);
  for (const [word, rank] of Object.entries(parsed)) {
    if (typeof rank !== "number" || !Number.isInteger(rank) || rank < 1) {
      throw new TypeError(
        `Cannot read the word index ${path} as the rank of ${JSON.stringify(word)} is ${
          JSON.stringify(rank)
        }, expected a positive integer`,
      );
    }
    index[word] = rank;
  }
  return index;
}
