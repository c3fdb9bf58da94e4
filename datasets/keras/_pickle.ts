/**
 * Internal: reads the pickle stream of a NumPy object array of integer lists
 * (Keras's IMDB and Reuters `.npz` files) as plain data. This is not an
 * unpickler: it interprets the handful of opcodes that build numbers,
 * strings, bytes, tuples, lists and dicts, records a global reference as a
 * name (only NumPy's `ndarray`, `dtype` and `_reconstruct` are accepted) and a
 * call (`REDUCE`) or state (`BUILD`) as a record holding that name and its
 * arguments, and calls nothing. Any other opcode or global is refused. The
 * sequences are then taken from the recorded array state
 * `(version, shape, dtype, fortran, list)`.
 *
 * @module
 */

/** A reference to a global, kept as its name and never resolved. */
interface Global {
  global: string;
}

/** A recorded call `fn(*args)` (and its `BUILD` state), never performed. */
interface Call {
  call: Global;
  args: Value;
  state?: Value;
}

type Value =
  | number
  | string
  | boolean
  | null
  | Uint8Array
  | Value[]
  | Global
  | Call
  | Map<string, Value>;

/** The only globals a NumPy object array needs. */
const ALLOWED = new Set([
  "numpy ndarray",
  "numpy dtype",
  "numpy.core.multiarray _reconstruct",
  "numpy._core.multiarray _reconstruct",
]);

const MARK = Symbol("mark");

/**
 * Reads the pickled object array at the start of `bytes` and returns its
 * elements, each a list of integers.
 *
 * @param bytes The pickle stream (the data part of a `.npy` file).
 * @param name The file's name, for errors.
 * @returns The sequences.
 */
export function raggedSequences(bytes: Uint8Array, name: string): number[][] {
  const top = readPickle(bytes, name);
  const fail = (why: string): never => {
    throw new TypeError(`Cannot read ${name} as sequences: ${why}`);
  };
  if (typeof top !== "object" || top === null || !("call" in top)) {
    fail("the pickle is not a NumPy array");
  }
  const state = (top as Call).state;
  if (!Array.isArray(state) || state.length !== 5 || !Array.isArray(state[4])) {
    fail("the pickled array has no list of elements in its state");
  }
  const items = (state as Value[])[4] as Value[];
  return items.map((item, i) => {
    if (!Array.isArray(item) || !item.every((v) => typeof v === "number" && Number.isInteger(v))) {
      fail(`element ${i} is not a list of integers`);
    }
    return item as number[];
  });
}

/**
 * Interprets a pickle stream as plain data (see the module's comment).
 *
 * @param bytes The stream.
 * @param name The file's name, for errors.
 * @returns The value left by `STOP`.
 */
export function readPickle(bytes: Uint8Array, name: string): Value {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: (Value | typeof MARK)[] = [];
  const memo = new Map<number, Value>();
  let pos = 0;
  const fail = (why: string): never => {
    throw new TypeError(
      `Cannot read ${name} as its pickle stream ${why} (at byte ${pos}); only plain lists of integers are read`,
    );
  };
  const need = (n: number) => {
    if (pos + n > bytes.length) fail("is truncated");
  };
  const u8 = () => (need(1), bytes[pos++]);
  const u16 = () => (need(2), pos += 2, view.getUint16(pos - 2, true));
  const u32 = () => (need(4), pos += 4, view.getUint32(pos - 4, true));
  const take = (n: number) => (need(n), pos += n, bytes.subarray(pos - n, pos));
  const text = (n: number) => new TextDecoder().decode(take(n));
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail("has an unterminated line");
    const s = new TextDecoder().decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): Value => {
    const v = stack.pop();
    if (v === undefined || v === MARK) fail("pops an empty stack");
    return v as Value;
  };
  const popMark = (): Value[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail("has no mark");
    const items = stack.splice(at) as Value[];
    return items.slice(1);
  };
  const top = (): Value => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) fail("reads an empty stack");
    return v as Value;
  };
  const global = (module: string, attr: string): Global => {
    const key = `${module} ${attr}`;
    if (!ALLOWED.has(key)) fail(`refers to ${module}.${attr}, which is not allowed`);
    return { global: key };
  };
  const list = (): Value[] => {
    const l = top();
    if (!Array.isArray(l)) fail("appends to something that is not a list");
    return l as Value[];
  };
  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80:
        u8();
        break; // PROTO
      case 0x95:
        take(8);
        break; // FRAME
      case 0x2e:
        return pop(); // STOP
      case 0x28:
        stack.push(MARK);
        break; // MARK
      case 0x4e:
        stack.push(null);
        break; // NONE
      case 0x88:
        stack.push(true);
        break; // NEWTRUE
      case 0x89:
        stack.push(false);
        break; // NEWFALSE
      case 0x4b:
        stack.push(u8());
        break; // BININT1
      case 0x4d:
        stack.push(u16());
        break; // BININT2
      case 0x4a:
        stack.push((need(4), pos += 4, view.getInt32(pos - 4, true)));
        break; // BININT
      case 0x8a:
        stack.push(long1(take(u8()), fail));
        break; // LONG1
      case 0x47:
        stack.push((need(8), pos += 8, view.getFloat64(pos - 8, false)));
        break; // BINFLOAT
      case 0x8c:
        stack.push(text(u8()));
        break; // SHORT_BINUNICODE
      case 0x58:
        stack.push(text(u32()));
        break; // BINUNICODE
      case 0x55:
        stack.push(take(u8()).slice());
        break; // SHORT_BINSTRING
      case 0x54:
        stack.push(take(u32()).slice());
        break; // BINSTRING
      case 0x43:
        stack.push(take(u8()).slice());
        break; // SHORT_BINBYTES
      case 0x42:
        stack.push(take(u32()).slice());
        break; // BINBYTES
      case 0x29:
        stack.push([]);
        break; // EMPTY_TUPLE
      case 0x85:
        stack.push([pop()]);
        break; // TUPLE1
      case 0x86: {
        const b = pop();
        stack.push([pop(), b]);
        break;
      } // TUPLE2
      case 0x87: {
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      } // TUPLE3
      case 0x74:
      case 0x6c:
        stack.push(popMark());
        break; // TUPLE, LIST
      case 0x5d:
        stack.push([]);
        break; // EMPTY_LIST
      case 0x61: {
        const v = pop();
        list().push(v);
        break;
      } // APPEND
      case 0x65: {
        const items = popMark();
        list().push(...items);
        break;
      } // APPENDS
      case 0x7d:
        stack.push(new Map());
        break; // EMPTY_DICT
      case 0x73: {
        const v = pop();
        const k = pop();
        dict(top(), fail).set(String(k), v);
        break;
      } // SETITEM
      case 0x75: { // SETITEMS
        const items = popMark();
        const d = dict(top(), fail);
        for (let i = 0; i + 1 < items.length; i += 2) d.set(String(items[i]), items[i + 1]);
        break;
      }
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x71:
        memo.set(u8(), top());
        break; // BINPUT
      case 0x72:
        memo.set(u32(), top());
        break; // LONG_BINPUT
      case 0x68:
      case 0x6a: { // BINGET, LONG_BINGET
        const key = op === 0x68 ? u8() : u32();
        if (!memo.has(key)) fail(`reads memo ${key}, which was never stored`);
        stack.push(memo.get(key) as Value);
        break;
      }
      case 0x63: {
        const module = line();
        stack.push(global(module, line()));
        break;
      } // GLOBAL
      case 0x93: {
        const attr = pop();
        stack.push(global(String(pop()), String(attr)));
        break;
      } // STACK_GLOBAL
      case 0x52:
      case 0x81: { // REDUCE, NEWOBJ: recorded, not called
        const args = pop();
        const fn = pop();
        if (typeof fn !== "object" || fn === null || !("global" in fn)) {
          fail("calls something that is not an allowed global");
        }
        stack.push({ call: fn as Global, args });
        break;
      }
      case 0x62: { // BUILD: recorded as state, nothing is set on a live object
        const state = pop();
        const target = top();
        if (typeof target !== "object" || target === null || !("call" in target)) {
          fail("builds something that is not a recorded call");
        }
        (target as Call).state = state;
        break;
      }
      default:
        fail(`has opcode 0x${op.toString(16).padStart(2, "0")}, which is not read`);
    }
  }
}

function dict(v: Value, fail: (why: string) => never): Map<string, Value> {
  if (!(v instanceof Map)) fail("sets an item on something that is not a dict");
  return v as Map<string, Value>;
}

/** A little-endian two's-complement integer of up to 7 bytes. */
function long1(bytes: Uint8Array, fail: (why: string) => never): number {
  if (bytes.length === 0) return 0;
  if (bytes.length > 6) fail("holds an integer larger than 2^48");
  let v = 0;
  for (let i = bytes.length - 1; i >= 0; i--) v = v * 256 + bytes[i];
  if (bytes[bytes.length - 1] & 0x80) v -= 2 ** (8 * bytes.length);
  return v;
}
