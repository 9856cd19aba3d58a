//! `/v1/sync/push` and `/v1/sync/pull`: exactly-once application of queued edits, and changes in
//! server order.

pub mod handlers;

/// Most mutations accepted in one push; a client sends more in several pushes.
pub const MAX_PUSH: usize = 1000;
/// Default and largest page of a pull.
pub const DEFAULT_PULL: u32 = 100;
pub const MAX_PULL: u32 = 1000;
