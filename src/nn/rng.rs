//! The random numbers of `nn` (initial weights, data sets, shuffles, dropout masks): a
//! generator whose stream is fixed by its algorithm, so that "the same seed gives the same
//! network, bit for bit" holds in every version of the crate and on every platform.
//!
//! The algorithm is Blackman and Vigna's xoshiro256++, its 256-bit state filled from the
//! `u64` seed by SplitMix64 (Steele, Lea and Flood), as its authors recommend. Numbers in
//! `[0, 1)` are the top 53 bits of an output times 2^-53; integers below `n` use Lemire's
//! multiply-and-reject. Each step is written out below, so nothing outside the crate can
//! change a stream; `tests/seeded_streams_are_fixed.rs` holds the first numbers of each
//! seeded stream to their stored values.

/// xoshiro256++, seeded through SplitMix64.
#[derive(Clone, Debug)]
pub(crate) struct Rng {
    state: [u64; 4],
}

impl Rng {
    /// The generator seeded with `seed`: its state is the first four outputs of SplitMix64
    /// started at `seed` (never all zero, the one state xoshiro cannot leave).
    pub(crate) fn seeded(seed: u64) -> Self {
        let mut splitmix = seed;
        Rng {
            state: std::array::from_fn(|_| splitmix64(&mut splitmix)),
        }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A number in `[0, 1)`, on the grid of multiples of 2^-53.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A number in `[low, high]`: `low + (high - low) * unit` (`high` only by rounding).
    pub(crate) fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// A whole number in `[0, n)`, each equally likely (Lemire's method: the high half of a
    /// 128-bit product, rejecting the few low halves that would favour some results).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        let mut product = u128::from(self.next_u64()) * u128::from(n);
        if (product as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (product as u64) < threshold {
                product = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (product >> 64) as u64
    }

    /// Shuffles `items` in place (Fisher–Yates, from the back).
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// The next output of SplitMix64, advancing its state.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::{Rng, splitmix64};

    #[test]
    fn splitmix64_gives_its_published_outputs_for_seed_0() {
        let mut state = 0;
        let outputs: [u64; 4] = std::array::from_fn(|_| splitmix64(&mut state));
        assert_eq!(
            outputs,
            [
                0xe220_a839_7b1d_cdaf,
                0x6e78_9e6a_a1b9_65f4,
                0x06c4_5d18_8009_454f,
                0xf88b_b8a8_724c_81ec
            ]
        );
    }

    #[test]
    fn xoshiro256_plus_plus_gives_the_reference_outputs_from_state_0_0_0_1() {
        // The reference implementation's first outputs from the state (0, 0, 0, 1).
        let mut rng = Rng {
            state: [0, 0, 0, 1],
        };
        let outputs: [u64; 10] = std::array::from_fn(|_| rng.next_u64());
        assert_eq!(
            outputs,
            [
                0x0000_0000_0080_0000,
                0x0000_0000_0080_0011,
                0x0002_2000_0080_0011,
                0x0002_2000_4400_0020,
                0x0002_2000_4480_08a1,
                0x0110_2100_8022_08a0,
                0x0114_0022_8420_0880,
                0x0402_8966_44a6_4095,
                0x8a14_a0a2_44ac_c891,
                0x8c88_ba46_80b2_0495
            ]
        );
    }

    #[test]
    fn below_stays_below_and_reaches_every_value() {
        let mut rng = Rng::seeded(3);
        let mut seen = [0u32; 7];
        for _ in 0..7000 {
            seen[rng.below(7) as usize] += 1;
        }
        // Each value about 1000 times: a binomial's standard deviation is about 30.
        assert!(seen.iter().all(|&k| (850..1150).contains(&k)), "{seen:?}");
        assert_eq!(rng.below(1), 0);
    }

    #[test]
    fn unit_numbers_are_in_0_1_and_spread_evenly() {
        let mut rng = Rng::seeded(11);
        let xs: Vec<f64> = (0..10_000).map(|_| rng.unit()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        // The mean of 10^4 uniforms: 0.5 with a standard deviation of 0.0029.
        assert!((mean - 0.5).abs() < 0.012, "{mean}");
    }
}
