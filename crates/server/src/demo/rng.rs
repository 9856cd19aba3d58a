//! A tiny deterministic generator (SplitMix64). The demo data must be the same for the same seed
//! on every machine and every future version, which a general-purpose RNG crate does not promise.

#[derive(Debug, Clone)]
pub struct DemoRng(u64);

impl DemoRng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: u32, high: u32) -> u32 {
        debug_assert!(low <= high);
        let span = u64::from(high - low) + 1;
        // The modulo bias is far below anything demo data could show.
        low + u32::try_from(self.next_u64() % span).unwrap_or(0)
    }

    /// True with the given chance in percent.
    pub fn percent(&mut self, chance: u32) -> bool {
        self.range(1, 100) <= chance
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let last = u32::try_from(items.len().saturating_sub(1)).unwrap_or(u32::MAX);
        let index = self.range(0, last) as usize;
        &items[index.min(items.len() - 1)]
    }

    /// `count` random decimal digits.
    pub fn digits(&mut self, count: usize) -> String {
        (0..count).map(|_| char::from(b'0' + self.range(0, 9) as u8)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::DemoRng;

    #[test]
    fn same_seed_same_numbers() {
        let a: Vec<u64> = {
            let mut rng = DemoRng::new(7);
            (0..5).map(|_| rng.next_u64()).collect()
        };
        let mut rng = DemoRng::new(7);
        let b: Vec<u64> = (0..5).map(|_| rng.next_u64()).collect();
        assert_eq!(a, b);
        assert_ne!(DemoRng::new(8).next_u64(), a[0]);
    }

    #[test]
    fn range_stays_inside_its_bounds_and_reaches_both_ends() {
        let mut rng = DemoRng::new(1);
        let values: Vec<u32> = (0..1000).map(|_| rng.range(3, 6)).collect();
        assert!(values.iter().all(|v| (3..=6).contains(v)));
        assert!(values.contains(&3) && values.contains(&6));
    }

    #[test]
    fn digits_has_the_asked_length() {
        let mut rng = DemoRng::new(2);
        let text = rng.digits(11);
        assert_eq!(text.len(), 11);
        assert!(text.chars().all(|c| c.is_ascii_digit()));
    }
}
