/**
 * Internal: reads the scikit-learn header line `samples,features,class...`.
 *
 * @module
 */

/** The counts and class names of a header line. */
export interface CsvHeader {
  samples: number;
  features: number;
  classNames: string[];
}

/**
 * @param text The whole CSV text; its first line is the header.
 * @returns The parsed header.
 */
export function parseHeader(text: string): CsvHeader {
  const first = text.slice(0, text.indexOf("\n")).trim().split(",");
  return {
    samples: Number(first[0]),
    features: Number(first[1]),
    classNames: first.slice(2),
  };
}
