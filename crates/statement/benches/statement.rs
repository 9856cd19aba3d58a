//! How long a statement takes and how large it is: a 40-decision record rendered 50 times (after
//! one warm-up), and a 200-decision one. Prints the figures; asserts nothing (the goals, ≤ 50 ms
//! and ≤ 150 KB for 40 decisions, are read from them). `cargo bench -p masar-statement` (or
//! `cargo xtask bench`).

#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::cast_precision_loss)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

fn main() {
    for (decisions, runs) in [(40, 50), (200, 10)] {
        let record = common::record(decisions);
        let _ = common::render(&record);
        let started = Instant::now();
        let mut size = 0;
        for _ in 0..runs {
            size = common::render(&record).len();
        }
        let each = started.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
        eprintln!(
            "statement of {decisions} decisions: {each:.1} ms each ({runs} runs), {:.1} KB",
            size as f64 / 1024.0
        );
    }
}
