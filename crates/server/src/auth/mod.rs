//! Who is asking and what they may do: the bearer token of the configured issuer checked (`jwt`,
//! `remote_issuer`, `extract`), and what the built-in provider's sign-in pages rest on: the
//! password, the SMS code and the rate limit (`password`, `sms`, `admission`). The numbers are in
//! `rules::signin`.

pub mod admission;
pub mod client_address;
pub mod extract;
pub mod jwt;
pub mod password;
pub mod remote_issuer;
pub mod sms;

pub use extract::{HrOfficer, SignedIn};
pub use sms::{DevOutbox, HttpSmsGateway, SmsGateway, SmsSettings};
