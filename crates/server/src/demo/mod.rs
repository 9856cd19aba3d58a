//! `--demo`: realistic, deterministic Arabic demo data.

mod calendar;
mod documents;
pub mod generate;
mod requests;
pub mod rng;
pub mod vocabulary;

use masar_protocol::NationalId;

/// The password of a demo employee: printed at start, so anyone trying the app can sign in.
pub fn demo_password(id: &NationalId) -> String {
    format!("Masar@{}", &id.as_str()[6..])
}

pub use generate::{DEMO_EMPLOYEES, DemoData, HR_OFFICER_TITLE, generate};
pub use requests::{SeededRequest, review_requests};
