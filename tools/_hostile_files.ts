/**
 * A small generator of damaged and hostile `.keras` and `.h5` files, for
 * the tests (tests/io/hostile_*_test.ts) and the fuzz campaign
 * (`tools/fuzz_load.ts`): a zip writer that can lie (CRC-32, declared sizes,
 * duplicate names, local headers that disagree with the directory), and an
 * HDF5 rewriter (h5wasm) that copies a file dataset by dataset with edits:
 * values, types, shapes, links, compression, dropped datasets and groups,
 * with or without kerno's digest attributes.
 *
 * @module
 */
import h5wasm from "h5wasm";
import type * as H5 from "h5wasm";
import { deflateSync, unzipSync } from "fflate";
import { crc32 } from "node:zlib";

/** One entry to write, and the lies to tell about it. */
export interface ZipItem {
  /** The entry's name. */
  name: string;
  /** Its uncompressed bytes. */
  data: Uint8Array;
  /** Deflate it (default: stored). */
  deflate?: boolean;
  /** The CRC-32 to state (default: the true one). */
  crc?: number;
  /** The uncompressed size to state (default: the true one). */
  size?: number;
  /** The compressed body to write instead of `data` (deflate is then stated). */
  body?: Uint8Array;
  /** Another name in the local header than in the central directory. */
  localName?: string;
  /** Another compression method in the local header than in the central directory. */
  localMethod?: number;
}

/** Writes a zip archive (no zip64), telling whatever lies the items ask for. */
export function buildZip(items: ZipItem[]): Uint8Array {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const item of items) {
    const name = enc.encode(item.name);
    const localName = enc.encode(item.localName ?? item.name);
    const body = item.body ?? (item.deflate ? deflateSync(item.data) : item.data);
    const crc = item.crc ?? crc32(item.data);
    const size = item.size ?? item.data.length;
    const method = item.body || item.deflate ? 8 : 0;
    const local = new Uint8Array(30 + localName.length + body.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, item.localMethod ?? method, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, localName.length, true);
    local.set(localName, 30);
    local.set(body, 30 + localName.length);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const dirSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, items.length, true);
  ev.setUint16(10, items.length, true);
  ev.setUint32(12, dirSize, true);
  ev.setUint32(16, offset, true);
  return concat([...locals, ...centrals, end]);
}

/** The parts, one after the other. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The entries of an archive, read by fflate (independently of kerno's reader). */
export function unzipItems(bytes: Uint8Array): ZipItem[] {
  return Object.entries(unzipSync(bytes)).map(([name, data]) => ({ name, data }));
}

/** The values of a dataset as h5wasm reads them. */
export type Values = Float32Array | Int32Array | BigInt64Array | Float64Array;

/** What to do with one dataset while copying. */
export type DatasetEdit =
  | null // drop it
  | { data: Values; shape: number[]; compress?: boolean }
  | { softLink: string }
  | { externalLink: [string, string] }
  | { hugeShape: number[] }; // a chunked dataset resized to this shape, no data written

/** How to rewrite an HDF5 file. */
export interface H5Rewrite {
  /** Edit of a dataset by path (`layers/dense/vars/0`); return `undefined` to keep it. */
  dataset?: (path: string, data: Values, shape: number[]) => DatasetEdit | undefined;
  /** Keep kerno's digest attributes (default: drop them, making a "foreign" file). */
  keepDigest?: boolean;
  /** A group (or dataset) to leave out, by path (`optimizer`). */
  dropGroup?: string;
}

let counter = 0;

/** Copies an HDF5 file through h5wasm with edits. */
export async function rewriteH5(bytes: Uint8Array, edit: H5Rewrite = {}): Promise<Uint8Array> {
  const { FS } = await h5wasm.ready;
  const src = `/hostile-src-${counter}.h5`;
  const dst = `/hostile-dst-${counter++}.h5`;
  FS!.writeFile(src, bytes);
  const from = new h5wasm.File(src, "r");
  const to = new h5wasm.File(dst, "w");
  const copyAttrs = (a: H5.Group | H5.Dataset, b: H5.Group | H5.Dataset) => {
    for (const [key, attr] of Object.entries(a.attrs)) {
      if (key.startsWith("kerno_") && !edit.keepDigest) continue;
      b.create_attribute(key, attr.value as string);
    }
  };
  const walk = (path: string, target: H5.Group) => {
    const group = (path === "" ? from : from.get(path)) as H5.Group;
    copyAttrs(group, target);
    for (const key of group.keys()) {
      const child = path === "" ? key : `${path}/${key}`;
      if (child === edit.dropGroup) continue;
      const entity = from.get(child);
      if (entity instanceof h5wasm.Group) {
        walk(child, target.create_group(key));
        continue;
      }
      const d = entity as H5.Dataset;
      const value = d.value;
      const meta = d.metadata;
      const data: Values = typeof value === "bigint"
        ? BigInt64Array.of(value)
        : typeof value === "number"
        ? (meta.type === 1 ? Float32Array.of(value) : Int32Array.of(value))
        : value as Values;
      const shape = [...(d.shape ?? [])];
      const change = edit.dataset?.(child, data, shape);
      if (change === null) continue;
      if (change === undefined) {
        copyAttrs(d, target.create_dataset({ name: key, data, shape }));
      } else if ("softLink" in change) {
        target.create_soft_link(change.softLink, key);
      } else if ("externalLink" in change) {
        target.create_external_link(change.externalLink[0], change.externalLink[1], key);
      } else if ("hugeShape" in change) {
        const made = target.create_dataset({
          name: key,
          data: new Float32Array(1),
          shape: change.hugeShape.map(() => 1),
          maxshape: change.hugeShape,
          chunks: change.hugeShape.map(() => 1),
        });
        made.resize(change.hugeShape);
        copyAttrs(d, made);
      } else {
        const made = target.create_dataset({
          name: key,
          data: change.data,
          shape: change.shape,
          ...(change.compress ? { chunks: change.shape, compression: 4 } : {}),
        });
        copyAttrs(d, made);
      }
    }
  };
  walk("", to);
  from.close();
  to.close();
  const out = FS!.readFile(dst) as Uint8Array;
  FS!.unlink(src);
  FS!.unlink(dst);
  return out;
}

/** Where a byte pattern first occurs, or -1. */
export function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The first zlib stream (as HDF5's deflate filter writes at level 4) in a file, or -1. */
export function zlibStreamAt(bytes: Uint8Array): number {
  return indexOf(bytes, new Uint8Array([0x78, 0x5e]));
}
