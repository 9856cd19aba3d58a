//! What HR's transactions answer: a decision made or why not, a refusal of the officer's
//! authority, and which kind of read an officer makes.

/// Why an officer may not act on an employee's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The employee belongs to another entity than the officer's.
    OtherEntity,
    /// The officer's own record or request: another officer decides it.
    OwnRecord,
}

impl Refusal {
    /// The audit log's word for it.
    pub fn label(self) -> &'static str {
        match self {
            Self::OtherEntity => "refused_other_entity",
            Self::OwnRecord => "refused_own_record",
        }
    }
}

/// What an HR officer's decision on a qualification or an application found.
#[derive(Debug)]
pub enum Decided<T> {
    Done(Box<T>),
    Missing,
    /// Decided already (a second click, another officer).
    AlreadyDecided(Box<T>),
    /// A rejection needs its reason (at most 500 characters).
    ReasonRequired,
    /// Accepting an application: every seat of the opportunity is taken.
    NoSeats,
    /// Outside the officer's authority (another entity, or their own request).
    Refused(Refusal),
    /// The request changed after the officer read it: `current` is the version that stands.
    ChangedSinceRead {
        current: u64,
    },
}

/// What an officer reads of an employee: the record (in the employee's trail as «اطلاع على
/// السجل»), or the trail itself (audited, but not an entry of the trail it reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HrRead {
    Record,
    Trail,
    /// A sealed export of the employee's work, brought to HR and imported there.
    Import,
}

impl HrRead {
    pub fn event(self) -> &'static str {
        match self {
            Self::Record => "hr_read",
            Self::Trail => "hr_read_trail",
            Self::Import => "hr_import",
        }
    }
}
