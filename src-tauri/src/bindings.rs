//! The typed boundary: one builder lists every command and event; the TypeScript in
//! `ui/src/lib/bindings.ts` is generated from it and checked for drift by a test.

use tauri_specta::{Builder, collect_commands, collect_events};

use crate::{commands, csp, events, exports, notify, qualifications, review, statements};

pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::get_settings,
            commands::app_info,
            csp::content_blocked,
            commands::save_settings,
            commands::connection_status,
            commands::check_connection,
            commands::auth_state,
            commands::begin_sign_on,
            commands::finish_sign_on,
            commands::cancel_sign_in,
            commands::set_passphrase,
            commands::open_offline,
            commands::lock,
            commands::input_seen,
            commands::unlock,
            commands::sign_out,
            commands::employee,
            commands::demo_sms,
            commands::update_contact,
            commands::update_personal,
            commands::resolve_conflict,
            commands::dismiss_edit,
            commands::sync_status,
            commands::sync_now,
            commands::employee_local,
            commands::save_draft,
            commands::load_draft,
            commands::discard_draft,
            commands::recover_previous,
            commands::unsent_work,
            commands::outgoing,
            qualifications::qualifications,
            qualifications::new_qualification,
            qualifications::choose_attachments,
            qualifications::attach_dropped,
            qualifications::save_qualification,
            qualifications::send_qualification,
            qualifications::amend_qualification,
            qualifications::record_qualifications,
            qualifications::start_qualification_update,
            review::review_queue,
            review::review_decide,
            review::hr_employee,
            review::hr_update_employment,
            review::hr_employee_activity,
            review::my_activity,
            review::hr_applicants,
            review::hr_decide_application,
            commands::career,
            commands::sick_leaves,
            commands::transactions,
            commands::opportunities,
            commands::apply_for_opportunity,
            statements::save_statement,
            statements::open_statement,
            exports::export_unsent,
            exports::import_sealed,
            notify::notify_desktop,
        ])
        .events(collect_events![
            events::ConnectionChanged,
            events::SyncChanged,
            events::UploadsChanged,
            events::DecisionEvent,
            events::FilesDropped,
            events::IdleLocked
        ])
        // The field registry (wire name, form, who may edit), so the forms come from one list.
        .typ::<masar_protocol::fields::FieldInfo>()
        .constant("FIELDS", masar_protocol::fields::field_infos())
        // The qualification form's fields by wire name, and the states a record can be in, so the
        // UI's labels, error targets and filters are checked against the same lists.
        .typ::<masar_protocol::qualification_fields::QualificationField>()
        .constant("QUALIFICATION_STATES", masar_protocol::QualificationStatus::ALL.to_vec())
        .constant("APPLICATION_STATES", masar_protocol::training::ApplicationStatus::ALL.to_vec())
        // The Umm al-Qura table, so the window's Hijri dates are the core's and the statement's.
        .typ::<masar_protocol::hijri::UmmAlQuraTable>()
        .constant("UMM_AL_QURA", masar_protocol::hijri::table())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// The TypeScript exporter, configured the same way for the drift test and for regeneration.
    fn typescript() -> specta_typescript::Typescript {
        specta_typescript::Typescript::default()
            .header("// Generated from the Rust types by `cargo xtask bindings`. Do not edit.")
    }

    /// This package's directory, read when the test runs (cargo sets it): a build reused from a
    /// checkout elsewhere (a shared target directory) must not look into that other checkout.
    fn manifest_dir() -> std::path::PathBuf {
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), Into::into)
    }

    fn committed_path() -> PathBuf {
        manifest_dir().join("../ui/src/lib/bindings.ts")
    }

    /// Regenerates into a temporary file and compares with the committed one; with
    /// `MASAR_UPDATE_BINDINGS=1` it writes the committed file instead.
    #[test]
    fn typescript_bindings_are_up_to_date() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("bindings.ts");
        specta_builder().export(typescript(), &fresh).unwrap();
        let generated = std::fs::read_to_string(&fresh).unwrap();
        if std::env::var_os("MASAR_UPDATE_BINDINGS").is_some() {
            std::fs::write(committed_path(), &generated).unwrap();
        }
        let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/lib/bindings.ts is out of date: run `cargo xtask bindings` and commit the result"
        );
    }

    /// Every command in the bindings is in the app's allow-list and nothing else is: the
    /// window can call what the UI calls, and a command left out of `app_commands.rs` fails here
    /// rather than in the window.
    #[test]
    fn the_allow_list_names_every_command_of_the_bindings() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("bindings.ts");
        specta_builder().export(typescript(), &fresh).unwrap();
        let generated = std::fs::read_to_string(&fresh).unwrap();
        // `__TAURI_INVOKE("name"` or, typed, `__TAURI_INVOKE<T>("name"`.
        let mut invoked: Vec<&str> = generated
            .split("__TAURI_INVOKE")
            .skip(2)
            .filter_map(|rest| rest.split_once("(\"").and_then(|(_, name)| name.split('"').next()))
            .collect();
        invoked.sort_unstable();
        let mut allowed = crate::app_commands::APP_COMMANDS.to_vec();
        allowed.sort_unstable();
        assert_eq!(invoked, allowed);
    }
}
