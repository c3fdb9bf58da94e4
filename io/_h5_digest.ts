/**
 * The digest kerno writes into its own HDF5 weights files (`.h5`,
 * `.weights.h5`, and the one inside `.keras`): each dataset carries a
 * `kerno_sha256` attribute, the SHA-256 of its type, shape and
 * little-endian values, and the file's root carries `kerno_digest`,
 * `sha256:` and the SHA-256 of the sorted lines `<dataset path>\t<its
 * digest>`, so a changed value, type or shape, and a dataset added,
 * removed or renamed, are all seen on load. Keras and h5py ignore
 * attributes they do not know; files without `kerno_digest` (other
 * tools') are read as before, their values trusted.
 *
 * @module
 */

/** The root attribute naming the digest of every dataset. */
export const FILE_DIGEST = "kerno_digest";
/** The attribute of each dataset holding its own digest. */
export const DATASET_DIGEST = "kerno_sha256";

/**
 * The type tag a digest covers: `f4`, `f8`, `i4`, `i8`, `u4`, ….
 *
 * @param kind The HDF5 class: `"float"` or `"int"` (signed or not).
 * @param size The bytes per element.
 * @param signed Whether an integer type is signed.
 * @returns The tag.
 */
export function typeTag(kind: "float" | "int", size: number, signed: boolean): string {
  return `${kind === "float" ? "f" : signed ? "i" : "u"}${size}`;
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The digest of one dataset: SHA-256 of `<tag>;<shape>;` and its bytes.
 *
 * @param tag The type tag (`typeTag`).
 * @param shape Its shape.
 * @param bytes Its values, little-endian.
 * @returns 64 hex digits.
 */
export async function datasetDigest(
  tag: string,
  shape: number[],
  bytes: Uint8Array,
): Promise<string> {
  const head = new TextEncoder().encode(`${tag};${shape.join(",")};`);
  const all = new Uint8Array(head.length + bytes.length);
  all.set(head);
  all.set(bytes, head.length);
  return hex(await crypto.subtle.digest("SHA-256", all));
}

/**
 * The file's digest over its datasets' paths and digests.
 *
 * @param digests Each dataset's digest by path (without a leading `/`).
 * @returns `sha256:` and 64 hex digits.
 */
export async function fileDigest(digests: Map<string, string>): Promise<string> {
  const lines = [...digests.keys()].sort().map((path) => `${path}\t${digests.get(path)}\n`);
  const bytes = new TextEncoder().encode(lines.join(""));
  return `sha256:${hex(await crypto.subtle.digest("SHA-256", bytes))}`;
}
