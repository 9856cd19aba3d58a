//! How the uploads of sent qualifications go, for the window to show the speed and the time
//! left (the bytes of each file come with the qualification list). A leaf: the sync loop
//! publishes it, the shell forwards it.

use std::time::Duration;

use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UploadProgress {
    /// True while a file is being sent.
    pub active: bool,
    /// What the file being sent has reached.
    pub sha256: Option<String>,
    pub sent_bytes: f64,
    /// Bytes still to send, over every waiting submission.
    pub remaining_bytes: f64,
    /// Measured over the chunks sent so far (recent ones weigh more); none before the first.
    pub bytes_per_second: Option<f64>,
}

impl UploadProgress {
    /// Seconds left at the measured speed.
    pub fn seconds_left(&self) -> Option<f64> {
        self.bytes_per_second.filter(|speed| *speed > 0.0).map(|speed| self.remaining_bytes / speed)
    }
}

/// The speed of a transfer, smoothed so that one slow or fast chunk does not make the time left
/// jump (an exponentially weighted moving average; each new chunk weighs [`Speed::WEIGHT`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Speed {
    bytes_per_second: Option<f64>,
}

impl Speed {
    pub const WEIGHT: f64 = 0.3;

    /// Adds a chunk of `bytes` sent in `took`; returns the speed now.
    pub fn add(&mut self, bytes: u64, took: Duration) -> Option<f64> {
        let seconds = took.as_secs_f64().max(1e-6);
        #[allow(clippy::cast_precision_loss, reason = "a speed, shown rounded")]
        let sample = bytes as f64 / seconds;
        let next = match self.bytes_per_second {
            None => sample,
            Some(previous) => previous + Self::WEIGHT * (sample - previous),
        };
        self.bytes_per_second = Some(next);
        self.bytes_per_second
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_chunk_sets_the_speed_and_later_ones_move_it_by_their_weight() {
        let mut speed = Speed::default();
        assert_eq!(speed.add(1_000_000, Duration::from_secs(1)), Some(1_000_000.0));
        // A chunk at 2 MB/s moves 1 MB/s by 30 % of the difference.
        let next = speed.add(4_000_000, Duration::from_secs(2)).unwrap();
        assert!((next - 1_300_000.0).abs() < 1e-6, "{next}");
    }

    #[test]
    fn time_left_is_the_remaining_bytes_at_the_measured_speed_and_unknown_before_a_chunk() {
        let mut progress = UploadProgress { remaining_bytes: 10_000_000.0, ..UploadProgress::default() };
        assert_eq!(progress.seconds_left(), None);
        progress.bytes_per_second = Some(2_000_000.0);
        assert_eq!(progress.seconds_left(), Some(5.0));
    }
}
