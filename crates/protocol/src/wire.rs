//! Enums whose values travel and are stored as strings: [`wire_names!`] writes, from one list,
//! every value (`ALL`), its string (`as_str`) and the way back (`parse`, `None` for a string it
//! does not know: never a silent default). Each use is tested against the enum's own serde name,
//! so the stored and the sent strings cannot drift apart.

/// `wire_names!(Type { Variant => "wire", … })`.
#[macro_export]
macro_rules! wire_names {
    ($ty:ty { $($variant:ident => $wire:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The value as sent and stored.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire),+
                }
            }

            /// The value a stored or sent string names; `None` for any other string.
            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.as_str() == text)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::attachments::AttachmentKind;
    use crate::auth::Role;
    use crate::record::QualificationStatus;
    use crate::sync::RecordKind;
    use crate::training::ApplicationStatus;

    /// Each value's string is its serde name, and reads back; an unknown string is `None`.
    fn agrees<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Option<T>)
    where
        T: Copy + PartialEq + std::fmt::Debug + serde::Serialize,
    {
        for value in all {
            let serde = serde_json::to_value(value).unwrap();
            assert_eq!(serde.as_str(), Some(as_str(*value)), "{value:?}");
            assert_eq!(parse(as_str(*value)), Some(*value));
        }
        assert_eq!(parse("unknown"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn every_wire_name_is_the_serde_name() {
        agrees(QualificationStatus::ALL, QualificationStatus::as_str, QualificationStatus::parse);
        agrees(ApplicationStatus::ALL, ApplicationStatus::as_str, ApplicationStatus::parse);
        agrees(Role::ALL, Role::as_str, Role::parse);
        agrees(RecordKind::ALL, RecordKind::as_str, RecordKind::parse);
        agrees(AttachmentKind::ALL, AttachmentKind::as_str, AttachmentKind::parse);
    }

    #[test]
    fn the_lists_are_whole() {
        assert_eq!(QualificationStatus::ALL.len(), 3);
        assert_eq!(ApplicationStatus::ALL.len(), 3);
        assert_eq!(Role::ALL.len(), 2);
        assert_eq!(RecordKind::ALL.len(), 3);
        assert_eq!(AttachmentKind::ALL.len(), 3);
        assert_eq!(QualificationStatus::parse("under_review"), Some(QualificationStatus::UnderReview));
        assert_eq!(Role::parse("hr_officer"), Some(Role::HrOfficer));
    }
}
