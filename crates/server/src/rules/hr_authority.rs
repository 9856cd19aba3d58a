//! HR's authority over an employee's data: an officer acts only within their own entity, and
//! never on their own record or their own requests (separation of duties). The scripts that act
//! for HR ask [`authorize`] inside their transaction, on the entities as stored then, and a
//! refusal is audited there.

use masar_protocol::NationalId;

use super::records::{Audit, RecordRows};
use crate::storage::{Caller, HrRead, Refusal};

/// What the officer means to do: read an employee's data, or change or decide it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Read,
    Change,
}

/// Whether an officer of `officer_entity` may `act` on `subject`'s data (of `subject_entity`).
/// Reading one's own record through HR's screens is harmless; changing or deciding it is not.
pub fn may(
    act: Act,
    officer: &NationalId,
    officer_entity: &str,
    subject: &NationalId,
    subject_entity: &str,
) -> Result<(), Refusal> {
    if act == Act::Change && officer == subject {
        return Err(Refusal::OwnRecord);
    }
    if officer_entity.trim().is_empty() || officer_entity.trim() != subject_entity.trim() {
        return Err(Refusal::OtherEntity);
    }
    Ok(())
}

/// Asks [`may`] on the two profiles as stored now (a change takes the employee's lock first, so a
/// transfer cannot slip in between); a refusal is audited under `event` with the officer as the
/// actor. An employee with no record is nobody's: the caller answers not found.
pub async fn authorize(
    rows: &impl RecordRows,
    act: Act,
    officer: &NationalId,
    subject: &NationalId,
    event: &str,
    caller: &Caller,
) -> anyhow::Result<Result<(), Refusal>> {
    let Some((subject_profile, _)) = rows.profile(subject, act == Act::Change).await? else {
        return Ok(Ok(()));
    };
    let officer_entity =
        rows.profile(officer, false).await?.map(|(profile, _)| profile.entity).unwrap_or_default();
    let verdict = may(act, officer, &officer_entity, subject, &subject_profile.entity);
    if let Err(refusal) = verdict {
        tracing::warn!(officer = %officer.masked(), employee = %subject.masked(), refusal = refusal.label(), "an HR request outside the officer's authority");
        rows.audit(Audit::of(caller, event, refusal.label(), Some(officer)).about(subject)).await?;
    }
    Ok(verdict)
}

/// An officer opens an employee's record through HR's screens: within their entity only, and
/// audited either way (who read whose record is part of the trail). The profile's version as
/// read (what an edit is made on), 0 when there is no such employee.
pub async fn open_record(
    rows: &impl RecordRows,
    officer: &NationalId,
    subject: &NationalId,
    read: HrRead,
    caller: &Caller,
) -> anyhow::Result<Result<u64, Refusal>> {
    if let Err(refusal) = authorize(rows, Act::Read, officer, subject, read.event(), caller).await? {
        return Ok(Err(refusal));
    }
    rows.audit(Audit::of(caller, read.event(), "ok", Some(officer)).about(subject)).await?;
    Ok(Ok(rows.profile(subject, false).await?.map_or(0, |(_, version)| version)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(nine: &str) -> NationalId {
        NationalId::with_check_digit(nine).unwrap_or_else(|_| panic!("{nine}"))
    }

    #[test]
    fn an_officer_acts_within_their_entity_and_never_on_their_own_record() {
        let (officer, colleague) = (id("100000000"), id("100000001"));
        let table = [
            (Act::Read, &colleague, "وزارة الصحة", Ok(())),
            (Act::Change, &colleague, "وزارة الصحة", Ok(())),
            (Act::Change, &colleague, " وزارة الصحة ", Ok(())),
            (Act::Read, &colleague, "وزارة التعليم", Err(Refusal::OtherEntity)),
            (Act::Change, &colleague, "وزارة التعليم", Err(Refusal::OtherEntity)),
            (Act::Change, &colleague, "", Err(Refusal::OtherEntity)),
            (Act::Read, &officer, "وزارة الصحة", Ok(())),
            (Act::Change, &officer, "وزارة الصحة", Err(Refusal::OwnRecord)),
        ];
        for (act, subject, entity, expected) in table {
            assert_eq!(may(act, &officer, "وزارة الصحة", subject, entity), expected, "{act:?} {entity}");
        }
        // An officer with no entity on record acts on nobody, not even on others without one.
        assert_eq!(may(Act::Read, &officer, "", &colleague, "وزارة الصحة"), Err(Refusal::OtherEntity));
        assert_eq!(may(Act::Read, &officer, " ", &colleague, ""), Err(Refusal::OtherEntity));
    }
}
