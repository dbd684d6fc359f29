// The integer half of convTiled's micro-kernel alone (pa-tiled-block.ts: two activation rows
// XOR four interleaved weight rows, popcounts summed in registers) over rows that stay in L1,
// with no gather and no epilogue. The conv benchmark reports it beside the CPU's peak (the
// denominator of its "% of peak"). Returns the popcount total so the engine cannot drop the loop.

export function popcountPeak(h: usize, w: usize, words: i32, reps: i32): i32 {
  let total: i64 = 0;
  const rowBytes = <usize>words << 3;
  for (let r = 0; r < reps; r++) {
    let q0: i64 = 0, q1: i64 = 0, q2: i64 = 0, q3: i64 = 0;
    let r0: i64 = 0, r1: i64 = 0, r2: i64 = 0, r3: i64 = 0;
    let wp = w;
    const end = h + rowBytes;
    for (let hp = h; hp < end; hp += 8) {
      const a = load<i64>(hp);
      const b = load<i64>(hp + rowBytes);
      const w0 = load<i64>(wp);
      const w1 = load<i64>(wp, 8);
      const w2 = load<i64>(wp, 16);
      const w3 = load<i64>(wp, 24);
      q0 += popcnt<i64>(a ^ w0);
      q1 += popcnt<i64>(a ^ w1);
      q2 += popcnt<i64>(a ^ w2);
      q3 += popcnt<i64>(a ^ w3);
      r0 += popcnt<i64>(b ^ w0);
      r1 += popcnt<i64>(b ^ w1);
      r2 += popcnt<i64>(b ^ w2);
      r3 += popcnt<i64>(b ^ w3);
      wp += 32;
    }
    total += q0 + q1 + q2 + q3 + r0 + r1 + r2 + r3;
  }
  return <i32>total;
}
