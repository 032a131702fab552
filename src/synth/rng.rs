//! Randomness for the generator. One seeded stream drives how the ecosystem grows; each
//! model's decoration (scores of a re-evaluation, tags, commit authors) comes from its own
//! sub-stream, so a file can be written in any order and still come out the same.
//!
//! Only integer draws and `+ - * /` on floats are used: no `ln`, `exp` or `powf`, whose last
//! bits may differ between platforms' math libraries. With `fastrand`'s fixed algorithm,
//! the same seed gives the same bytes everywhere.

/// Mixes a 64-bit value (SplitMix64's finaliser): nearby seeds give unrelated streams.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A random stream with the few distributions the generator needs.
pub struct Rand(fastrand::Rng);

impl Rand {
    pub fn new(seed: u64) -> Rand {
        Rand(fastrand::Rng::with_seed(mix(seed)))
    }

    /// The sub-stream for one `purpose` (a constant per use) and one `index` (a model).
    pub fn stream(seed: u64, purpose: u64, index: u64) -> Rand {
        Rand::new(mix(
            mix(seed ^ purpose.wrapping_mul(0xA24B_AED4_963E_E407)) ^ index
        ))
    }

    /// Uniform in `0..n`; `n` must be positive.
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0 && n <= u32::MAX as usize);
        self.0.u32(..n as u32) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        self.0.u32(lo..=hi)
    }

    pub fn u64(&mut self) -> u64 {
        self.0.u64(..)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        self.0.f64()
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.0.f64() < p
    }

    /// Approximately standard normal (Irwin-Hall sum of four uniforms, rescaled).
    pub fn normal(&mut self) -> f64 {
        let s = self.unit() + self.unit() + self.unit() + self.unit();
        (s - 2.0) * 1.732_050_807_568_877_2
    }

    /// Number of successes before the first failure, each with probability `p_more`,
    /// capped at `max`: a geometric law, the building block of the heavy tails.
    pub fn geometric(&mut self, p_more: f64, max: u32) -> u32 {
        let mut k = 0;
        while k < max && self.chance(p_more) {
            k += 1;
        }
        k
    }

    /// A heavy-tailed positive number: a log-uniform-ish mantissa times `10^k`, `k` geometric.
    pub fn heavy(&mut self, p_more: f64, max_exp: u32) -> f64 {
        let k = self.geometric(p_more, max_exp);
        let mut scale = 1.0;
        for _ in 0..k {
            scale *= 10.0;
        }
        // 1 + 9u^2 leans towards small mantissas, as a log-uniform one would.
        let u = self.unit();
        (1.0 + 9.0 * u * u) * scale
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One of `words`, uniformly.
    pub fn one(&mut self, words: &[&'static str]) -> &'static str {
        words[self.below(words.len())]
    }

    /// An index drawn with probability proportional to `weights` (not all zero).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        debug_assert!(total > 0);
        let mut x = self.0.u64(..total.max(1));
        for (i, &w) in weights.iter().enumerate() {
            if x < u64::from(w) {
                return i;
            }
            x -= u64::from(w);
        }
        weights.len() - 1
    }

    /// Writes `n` lower-case hex digits (a git sha, a Hub object id).
    pub fn hex(&mut self, n: usize, out: &mut String) {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        for _ in 0..n {
            out.push(DIGITS[self.below(16)] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rand::stream(7, 1, 3).u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rand::stream(7, 1, 3).u64(), Rand::stream(7, 1, 4).u64());
        assert_ne!(Rand::stream(7, 1, 3).u64(), Rand::stream(7, 2, 3).u64());
    }

    #[test]
    fn distributions_have_the_intended_shape() {
        let mut r = Rand::new(1);
        let n = 20_000;
        let mean = (0..n).map(|_| r.normal()).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.05, "{mean}");
        let counts = (0..n).fold([0u32; 3], |mut c, _| {
            c[r.weighted(&[1, 0, 3])] += 1;
            c
        });
        assert_eq!(counts[1], 0);
        assert!(counts[2] > 2 * counts[0]);
        let big = (0..n).filter(|_| r.heavy(0.5, 6) > 1000.0).count();
        assert!(big > 0 && big < n / 5, "{big}");
    }
}
