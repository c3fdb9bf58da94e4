/**
 * The string hashes of TensorFlow's `tf.strings.to_hash_bucket_fast` and
 * `to_hash_bucket_strong`, which Keras's Hashing layer and the lookup
 * layers' extra OOV buckets use: FarmHash's Fingerprint64 of the UTF-8
 * bytes modulo the number of buckets, and SipHash-2-4 keyed by two 64-bit
 * integers (the salt) modulo the number of buckets.
 *
 * @module
 */
import { fingerprint64 } from "farmhash-modern";

const MASK64 = (1n << 64n) - 1n;
const encoder = new TextEncoder();

/**
 * `tf.strings.to_hash_bucket_fast`: FarmHash Fingerprint64 of the string's
 * UTF-8 bytes, modulo `buckets`.
 *
 * @param value The string.
 * @param buckets The number of buckets (a positive integer).
 * @returns The bucket, in `[0, buckets)`.
 */
export function fastBucket(value: string, buckets: number): number {
  return Number(BigInt.asUintN(64, fingerprint64(value)) % BigInt(buckets));
}

/**
 * `tf.strings.to_hash_bucket_strong`: SipHash-2-4 of the string's UTF-8
 * bytes under the 128-bit key `[k0, k1]`, modulo `buckets`.
 *
 * @param value The string.
 * @param buckets The number of buckets (a positive integer).
 * @param key The two halves of the key (non-negative integers).
 * @returns The bucket, in `[0, buckets)`.
 */
export function strongBucket(value: string, buckets: number, key: readonly number[]): number {
  return Number(sipHash24(encoder.encode(value), BigInt(key[0]), BigInt(key[1])) % BigInt(buckets));
}

function rotl(x: bigint, b: bigint): bigint {
  return ((x << b) | (x >> (64n - b))) & MASK64;
}

/** SipHash-2-4 (Aumasson and Bernstein, 2012) of `bytes`, as an unsigned 64-bit BigInt. */
function sipHash24(bytes: Uint8Array, k0: bigint, k1: bigint): bigint {
  const v = [
    k0 ^ 0x736f6d6570736575n,
    k1 ^ 0x646f72616e646f6dn,
    k0 ^ 0x6c7967656e657261n,
    k1 ^ 0x7465646279746573n,
  ];
  const round = () => {
    v[0] = (v[0] + v[1]) & MASK64;
    v[1] = rotl(v[1], 13n) ^ v[0];
    v[0] = rotl(v[0], 32n);
    v[2] = (v[2] + v[3]) & MASK64;
    v[3] = rotl(v[3], 16n) ^ v[2];
    v[0] = (v[0] + v[3]) & MASK64;
    v[3] = rotl(v[3], 21n) ^ v[0];
    v[2] = (v[2] + v[1]) & MASK64;
    v[1] = rotl(v[1], 17n) ^ v[2];
    v[2] = rotl(v[2], 32n);
  };
  const compress = (m: bigint) => {
    v[3] ^= m;
    round();
    round();
    v[0] ^= m;
  };
  const full = bytes.length - (bytes.length % 8);
  for (let i = 0; i < full; i += 8) compress(word(bytes, i, 8));
  compress(word(bytes, full, bytes.length - full) | (BigInt(bytes.length & 0xff) << 56n));
  v[2] ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/** `count` little-endian bytes from `start` as an unsigned integer. */
function word(bytes: Uint8Array, start: number, count: number): bigint {
  let m = 0n;
  for (let j = count - 1; j >= 0; j--) m = (m << 8n) | BigInt(bytes[start + j]);
  return m;
}
