//! The steps of one sync round, decided without I/O: push the outbox in batches until a batch
//! comes back short, then pull pages while the server has more and the cursor moves on.

/// Mutations per push request.
pub const PUSH_BATCH: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Push,
    Pull,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundPlan {
    pulling: bool,
}

impl RoundPlan {
    /// A whole round: pushes first, so the pull brings back what was just applied.
    pub fn round() -> Self {
        Self { pulling: false }
    }

    /// Pulling only (after the record was fetched).
    pub fn pulling() -> Self {
        Self { pulling: true }
    }

    pub fn first(&self) -> Step {
        if self.pulling { Step::Pull } else { Step::Push }
    }

    /// After a push of `sent` mutations (out of at most [`PUSH_BATCH`]): a full batch means more
    /// may wait; anything less, the outbox is empty for this round.
    pub fn after_push(&mut self, sent: usize) -> Step {
        if sent >= PUSH_BATCH as usize {
            Step::Push
        } else {
            self.pulling = true;
            Step::Pull
        }
    }

    /// After a pulled page: ask for the next one while the server says there is more and the
    /// cursor moved on (a server that says "more" without moving it must not keep the loop
    /// going).
    pub fn after_pull(&mut self, has_more: bool, cursor_before: u64, cursor_after: u64) -> Step {
        if has_more && cursor_after > cursor_before { Step::Pull } else { Step::Done }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_pushes_full_batches_then_pulls() {
        let mut plan = RoundPlan::round();
        assert_eq!(plan.first(), Step::Push);
        assert_eq!(plan.after_push(PUSH_BATCH as usize), Step::Push, "a full batch: more may wait");
        assert_eq!(plan.after_push(3), Step::Pull, "a short one: the outbox is empty");
        let mut empty = RoundPlan::round();
        assert_eq!(empty.after_push(0), Step::Pull, "nothing to send still pulls");
        assert_eq!(RoundPlan::pulling().first(), Step::Pull);
    }

    #[test]
    fn pulling_goes_on_only_while_there_is_more_and_the_cursor_moves() {
        let mut plan = RoundPlan::pulling();
        assert_eq!(plan.after_pull(true, 10, 11), Step::Pull);
        assert_eq!(plan.after_pull(false, 10, 11), Step::Done, "the last page");
        assert_eq!(plan.after_pull(true, 10, 10), Step::Done, "more, but the cursor stood still: stop");
        assert_eq!(plan.after_pull(true, 10, 9), Step::Done, "a cursor going back: stop");
        assert_eq!(plan.after_pull(false, 10, 10), Step::Done);
    }
}
