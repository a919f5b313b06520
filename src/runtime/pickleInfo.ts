// What a view may say about pickle bytes without unpickling them: that they are a pickle, and the
// type of the top-level value when the first opcode names it (a dict, a str, a class reference).
// Nothing here runs or rebuilds anything: only the Python agent host ever decodes a pickle.

const PROTO = 0x80;
const FRAME = 0x95;

/** Opcodes that start a value of a built-in type, by the type they make. */
const BUILTIN_STARTS: Record<number, string> = {
  0x7d: 'builtins.dict', // EMPTY_DICT
  0x5d: 'builtins.list', // EMPTY_LIST
  0x29: 'builtins.tuple', // EMPTY_TUPLE
  0x8c: 'builtins.str', // SHORT_BINUNICODE
  0x58: 'builtins.str', // BINUNICODE
  0x4a: 'builtins.int', // BININT
  0x4b: 'builtins.int', // BININT1
  0x4d: 'builtins.int', // BININT2
  0x8a: 'builtins.int', // LONG1
  0x47: 'builtins.float', // BINFLOAT
  0x88: 'builtins.bool', // NEWTRUE
  0x89: 'builtins.bool', // NEWFALSE
  0x4e: 'builtins.NoneType', // NONE
  0x43: 'builtins.bytes', // SHORT_BINBYTES
  0x8f: 'builtins.set', // EMPTY_SET
};

/** True when the bytes start as a pickle of protocol 2 or later does (cloudpickle writes 4 or 5). */
export function looksLikePickle(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === PROTO && bytes[1] >= 2 && bytes[1] <= 5;
}

/** A SHORT_BINUNICODE string at `at` (opcode, length byte, UTF-8), and where the next opcode is. */
function shortString(bytes: Uint8Array, at: number): { text: string; next: number } | undefined {
  if (bytes[at] !== 0x8c || at + 2 > bytes.length) return undefined;
  const end = at + 2 + bytes[at + 1];
  if (end > bytes.length) return undefined;
  const text = Buffer.from(bytes.subarray(at + 2, end)).toString('utf8');
  // MEMOIZE (0x94) may follow each string.
  return { text, next: bytes[end] === 0x94 ? end + 1 : end };
}

/**
 * The type of the pickled top-level value as `module.qualname`, when its first opcode names it;
 * else undefined. A class reference (`module`, `name`, STACK_GLOBAL) at the start is an object
 * rebuilt from that class, such as a raised exception.
 */
export function pickledType(bytes: Uint8Array): string | undefined {
  if (!looksLikePickle(bytes)) return undefined;
  let at = 2;
  if (bytes[at] === FRAME) at += 9;
  const module = shortString(bytes, at);
  if (module) {
    const name = shortString(bytes, module.next);
    // cloudpickle rebuilds a class defined in a script by value, through its own helpers: those
    // name no type of the user's.
    if (name && bytes[name.next] === 0x93)
      return module.text.startsWith('cloudpickle') ? undefined : `${module.text}.${name.text}`;
  }
  return BUILTIN_STARTS[bytes[at]];
}
