/**
 * Internal: MD5 (RFC 1321), which Web Crypto lacks. It is used only to
 * compare downloads with the digests their publishers list (CIFAR,
 * Fashion-MNIST, the word index files), never for security.
 *
 * @module
 */

/** Per-round left-rotation amounts (RFC 1321, section 3.4). */
const SHIFTS = [
  7,
  12,
  17,
  22,
  5,
  9,
  14,
  20,
  4,
  11,
  16,
  23,
  6,
  10,
  15,
  21,
];

/** The sine table: floor(2^32 * |sin(i + 1)|). */
const K = Uint32Array.from(
  { length: 64 },
  (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32),
);

/**
 * The MD5 digest of some bytes.
 *
 * @param bytes The message.
 * @returns The digest as 32 lower-case hex digits.
 */
export function md5Hex(bytes: Uint8Array): string {
  const padded = new Uint8Array((((bytes.length + 8) >>> 6) + 1) << 6);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = bytes.length * 8;
  view.setUint32(padded.length - 8, bits >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bits / 2 ** 32), true);
  const state = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
  const block = new Uint32Array(16);
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) block[i] = view.getUint32(offset + i * 4, true);
    compress(state, block);
  }
  const out = new DataView(new ArrayBuffer(16));
  for (let i = 0; i < 4; i++) out.setUint32(i * 4, state[i], true);
  return Array.from(new Uint8Array(out.buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** One 64-byte block: four rounds of sixteen steps. */
function compress(state: Uint32Array, block: Uint32Array): void {
  let [a, b, c, d] = state;
  for (let i = 0; i < 64; i++) {
    const round = i >>> 4;
    let f: number;
    let g: number;
    if (round === 0) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (round === 1) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (round === 2) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    const sum = (a + f + K[i] + block[g]) >>> 0;
    const s = SHIFTS[round * 4 + (i & 3)];
    a = d;
    d = c;
    c = b;
    b = (b + ((sum << s) | (sum >>> (32 - s)))) >>> 0;
  }
  state[0] = (state[0] + a) >>> 0;
  state[1] = (state[1] + b) >>> 0;
  state[2] = (state[2] + c) >>> 0;
  state[3] = (state[3] + d) >>> 0;
}
