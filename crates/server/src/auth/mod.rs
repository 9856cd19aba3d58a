//! Sign-in as the national SSO does it: national ID + password, then a six-digit code by SMS,
//! then a short access token and a rotating refresh token. See `policy` for the numbers.

pub mod client_address;
pub mod extract;
pub mod handlers;
pub mod jwt;
pub mod password;
pub mod remote_issuer;
pub mod sms;

pub use extract::{HrOfficer, SignedIn};
pub use sms::{DevOutbox, HttpSmsGateway, SmsGateway, SmsSettings};
