/** Set bits of every 16-bit value: two lookups count a 32-bit word. */
export const POPCOUNT16 = (() => {
  const t = new Uint8Array(1 << 16);
  for (let i = 1; i < t.length; i++) t[i] = (i & 1) + t[i >>> 1];
  return t;
})();
