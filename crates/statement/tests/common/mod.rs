//! Records to print: realistic ones of any length, and the tools that read the PDFs back
//! (poppler's `pdftotext` and `pdffonts`, installed by `cargo xtask setup`).

#![allow(dead_code, clippy::unwrap_used)]

use chrono::{Months, NaiveDate};
use masar_protocol::fixtures::sample_record;
use masar_protocol::record::{EmployeeRecord, EmploymentEvent, EmploymentEventKind};

pub fn date(iso: &str) -> NaiveDate {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap()
}

/// The sample employee with `decisions` decisions from an appointment on 2006-09-14: promotions,
/// transfers, assignments, and one leave without pay of 123 days.
pub fn record(decisions: usize) -> EmployeeRecord {
    let mut record = sample_record();
    record.profile.appointment_date = date("2006-09-14");
    let mut events = Vec::new();
    let mut day = date("2006-09-14");
    for i in 0..decisions {
        use EmploymentEventKind::*;
        let kind = match i {
            0 => Appointment,
            3 => LeaveWithoutPay,
            _ => [Promotion, Transfer, Assignment, Promotion][i % 4],
        };
        let end_date =
            (kind == LeaveWithoutPay).then(|| day.checked_add_days(chrono::Days::new(122)).unwrap());
        events.push(EmploymentEvent {
            kind,
            decision_number: format!("{}/{}", 1427 + i / 4, 10_000 + i * 731),
            date: day,
            end_date,
            job_title: if i % 3 == 0 {
                "أخصائي موارد بشرية أول".into()
            } else {
                "محاسب".into()
            },
            job_number: format!("{}", 5000 + i),
            rank: u8::try_from(6 + i % 8).unwrap(),
            step: u8::try_from(1 + i % 10).unwrap(),
            entity: "وزارة المالية".into(),
        });
        day = day.checked_add_months(Months::new(5)).unwrap();
    }
    record.employment_events = events;
    record
}

pub fn full_name(record: &EmployeeRecord) -> String {
    let n = &record.profile.name_ar;
    format!("{} {} {} {}", n.first, n.father, n.grandfather, n.family)
}

/// What `tool` (a poppler utility) prints for `pdf`; `pdftotext` writes to standard output.
pub fn run(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("statement.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut command = std::process::Command::new(tool);
    command.args(args).arg(&path);
    if tool == "pdftotext" {
        command.arg("-");
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The text of `pdf` (pages `first..=last` when given) without the bidi marks pdftotext adds
/// around right-to-left lines.
pub fn text(pdf: &[u8], pages: Option<(usize, usize)>) -> String {
    let range = pages.map(|(f, l)| (f.to_string(), l.to_string()));
    let args: Vec<&str> = match &range {
        Some((f, l)) => vec!["-f", f, "-l", l],
        None => vec![],
    };
    run("pdftotext", &args, pdf).chars().filter(|c| !('\u{202A}'..='\u{202E}').contains(c)).collect()
}

pub fn pages(pdf: &[u8]) -> usize {
    let info = run("pdfinfo", &[], pdf);
    let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

pub fn render(record: &EmployeeRecord) -> Vec<u8> {
    render_with(record, Some("MSR-ACDE-FGHJ-2346"))
}

/// The page a test code's QR code links to.
pub fn verify_url(code: &str) -> String {
    format!("https://masar.example.gov.sa/verify/{code}")
}

pub fn render_with(record: &EmployeeRecord, code: Option<&str>) -> Vec<u8> {
    let verification = code.map(|code| masar_statement::Verification {
        code: code.to_owned(),
        url: verify_url(code),
        until: date("2027-02-27"),
    });
    let issue = masar_statement::Issue { date: date("2026-11-29"), verification };
    masar_statement::render(record, &issue).unwrap().pdf
}

/// With `MASAR_STATEMENT_ARTIFACTS` set, keeps `pdf` there as `name.pdf` (to look at).
pub fn keep(name: &str, pdf: &[u8]) {
    if let Some(dir) = std::env::var_os("MASAR_STATEMENT_ARTIFACTS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.pdf")), pdf).unwrap();
    }
}
