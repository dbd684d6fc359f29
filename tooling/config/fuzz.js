// Shared by the fuzz tests of every package that reads untrusted files: a seeded PRNG and a
// JSON mutator that walks to a random place and replaces, deletes or duplicates something.

/** Seeded PRNG (mulberry32): a failing case replays from its number. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = (r, items) => items[Math.floor(r() * items.length)];

export const JUNK = [
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53,
  -(2 ** 60),
  1e308,
  '',
  'float32',
  'bits',
  'Conv2D',
  [],
  [1],
  [-1],
  [2 ** 40, 2 ** 40],
  [0, 0, 0, 0],
  {},
  { a: 1 },
  'same',
  '__proto__',
];

/** A copy of `value` with one random change somewhere inside it. */
export function mutateJson(r, value, keys = ['x', 'pads', 'op']) {
  if (Array.isArray(value)) {
    if (value.length === 0 || r() < 0.15)
      return r() < 0.5 ? pick(r, JUNK) : [...value, pick(r, JUNK)];
    const i = Math.floor(r() * value.length);
    const copy = [...value];
    const roll = r();
    if (roll < 0.1) copy.splice(i, 1);
    else if (roll < 0.2) copy.push(copy[i]);
    else copy[i] = mutateJson(r, copy[i], keys);
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const own = Object.keys(value);
    if (own.length === 0 || r() < 0.15)
      return r() < 0.5 ? pick(r, JUNK) : { ...value, [pick(r, keys)]: pick(r, JUNK) };
    const key = pick(r, own);
    const copy = { ...value };
    if (r() < 0.1) delete copy[key];
    else copy[key] = mutateJson(r, copy[key], keys);
    return copy;
  }
  if (typeof value === 'number' && r() < 0.6)
    return pick(r, [value + 1, value - 1, value * 2, -value, value + 64, 0]);
  return pick(r, JUNK);
}

/** Flips, truncates or splices raw bytes. */
export function mutateBytes(r, bytes) {
  const out = bytes.slice();
  const roll = r();
  if (roll < 0.4) {
    const flips = 1 + Math.floor(r() * 8);
    for (let i = 0; i < flips; i++) out[Math.floor(r() * out.length)] ^= 1 << Math.floor(r() * 8);
    return out;
  }
  if (roll < 0.7) return out.subarray(0, Math.floor(r() * out.length));
  const at = Math.floor(r() * out.length);
  const insert = Uint8Array.from({ length: Math.floor(r() * 16) }, () => Math.floor(r() * 256));
  const tail = out.subarray(Math.min(out.length, at + Math.floor(r() * 16)));
  const spliced = new Uint8Array(at + insert.length + tail.length);
  spliced.set(out.subarray(0, at));
  spliced.set(insert, at);
  spliced.set(tail, at + insert.length);
  return spliced;
}
