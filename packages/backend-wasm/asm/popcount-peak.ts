// The physical limit the conv benchmark compares against: convTiled's micro-kernel (one
// activation word XOR four interleaved weight words, popcounts summed in registers) over rows
// that stay in L1, with no gather and no epilogue. Returns the popcount total so that the
// engine cannot drop the loop.

export function popcountPeak(h: usize, w: usize, words: i32, reps: i32): i32 {
  let total: i64 = 0;
  const end = h + (<usize>words << 3);
  for (let r = 0; r < reps; r++) {
    let q0: i64 = 0;
    let q1: i64 = 0;
    let q2: i64 = 0;
    let q3: i64 = 0;
    let wp = w;
    for (let hp = h; hp < end; hp += 8) {
      const x = load<i64>(hp);
      q0 += popcnt<i64>(x ^ load<i64>(wp));
      q1 += popcnt<i64>(x ^ load<i64>(wp, 8));
      q2 += popcnt<i64>(x ^ load<i64>(wp, 16));
      q3 += popcnt<i64>(x ^ load<i64>(wp, 24));
      wp += 32;
    }
    total += q0 + q1 + q2 + q3;
  }
  return <i32>total;
}
