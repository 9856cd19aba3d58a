//! Generated statements read back with poppler, as anyone receiving one would read them: the text
//! in logical Arabic with every number intact, the font embedded as a subset, long records on
//! several pages with the header on each, and hostile records without overflow.

#![allow(clippy::unwrap_used)]

mod common;

use common::{date, full_name, keep, pages, record, render, render_with, run, text, verify_url};
use masar_protocol::service::length_of_service;

#[test]
fn the_text_reads_back_as_logical_arabic_with_every_number_intact() {
    let record = record(12);
    let pdf = render(&record);
    let text = squash(&text(&pdf, None));
    let length =
        length_of_service(&record.employment_events, record.profile.appointment_date, date("2026-11-29"));
    for expected in [
        "بيان خدمة".to_owned(),
        full_name(&record),
        record.profile.entity.clone(),
        record.profile.national_id.to_string(),
        record.profile.employee_number.clone(),
        masar_statement::words::span(length.total),
        "إجازات بدون راتب مدتها 123 يوما".to_owned(),
        "1427/10000".to_owned(),
        "14/09/2006".to_owned(),
        "21/08/1427".to_owned(),
        "29 نوفمبر 2026م — 19 جمادى الآخرة 1448هـ".to_owned(),
        "صفحة 1 من 1".to_owned(),
    ] {
        assert!(text.contains(&squash(&expected)), "«{expected}» not in:\n{text}");
    }
}

/// Without white space, colons and dashes: poppler's reading of a right-to-left line puts those
/// beside a number on the number's other side («19سنة و 10أشهر», «الإصدار 29 :نوفمبر»; drawn
/// right, as the rendered page shows). Letters, numbers and their order are what is checked.
fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && !matches!(c, ':' | '—')).collect()
}

#[test]
fn the_font_is_embedded_as_a_subset_and_the_file_stays_small() {
    let pdf = render(&record(40));
    let fonts = run("pdffonts", &[], &pdf);
    for name in ["Amiri-Regular", "Amiri-Bold"] {
        let line = fonts.lines().find(|l| l.contains(name)).unwrap_or_else(|| panic!("{name} in {fonts}"));
        // A subset's name has a six-letter tag; embedded, subset, with a ToUnicode map.
        assert!(line.contains('+'), "{line}");
        assert!(line.contains("yes yes yes"), "{line}");
    }
    assert!(pdf.len() < 150 * 1024, "{} bytes", pdf.len());
}

#[test]
fn forty_decisions_go_on_two_pages_with_the_header_and_headings_on_each() {
    let record = record(40);
    let pdf = render(&record);
    keep("statement-40-decisions", &pdf);
    assert_eq!(pages(&pdf), 2);
    for page in 1..=2 {
        let text = squash(&text(&pdf, Some((page, page))));
        for expected in
            ["بيان خدمة", "سجل القرارات", "رقم القرار", "المسمى الوظيفي", &format!("صفحة {page} من 2")]
        {
            assert!(text.contains(&squash(expected)), "page {page} lacks «{expected}»");
        }
    }
    let last = &record.employment_events[39].decision_number;
    assert!(text(&pdf, Some((2, 2))).contains(last.as_str()), "the last decision is on page 2");
    assert!(!text(&pdf, Some((2, 2))).contains("بيانات الموظف"), "the employee's data only once");
}

/// Every word's box, as poppler finds it: (xMin, xMax, word).
fn word_boxes(pdf: &[u8]) -> Vec<(f32, f32, String)> {
    let html = run("pdftotext", &["-bbox"], pdf);
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let number = |key: &str| -> f32 {
                let at = l.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
                l[at..].split('"').next().unwrap().parse().unwrap()
            };
            let word = l.split('>').nth(1).unwrap_or("").split('<').next().unwrap_or("").to_owned();
            (number("xMin"), number("xMax"), word)
        })
        .collect()
}

#[test]
fn hostile_records_render_inside_the_margins_without_losing_pages() {
    let mut long = record(200);
    long.profile.name_ar.first = "عبدالرحمن".repeat(6);
    long.profile.name_ar.family = "آل عبدالله الفلاني".repeat(4);
    long.profile.job_title = "Senior SAP HCM محلل نظم موارد بشرية أول في الإدارة العامة للتحول الرقمي".into();
    long.profile.nationality = String::new();
    long.profile.employee_number = String::new();
    for event in long.employment_events.iter_mut().step_by(7) {
        event.entity = "وكالة الوزارة للشؤون الإدارية والمالية والتطوير الإداري — الإدارة العامة".into();
        event.job_title = "Data Engineer مهندس بيانات".into();
    }
    let pdf = render(&long);
    keep("statement-200-decisions", &pdf);
    // 200 decisions: 15 on the first page, 28 on each of the others.
    assert_eq!(pages(&pdf), 1 + (200 - 15_usize).div_ceil(28));
    let text = text(&pdf, None);
    assert!(text.contains('…'), "what does not fit is cut with an ellipsis");
    assert!(text.contains(&long.employment_events[199].decision_number), "the last decision is printed");
    for (x_min, x_max, word) in word_boxes(&pdf) {
        assert!(x_min >= 41.0 && x_max <= 595.28 - 41.0, "«{word}» at {x_min}..{x_max} leaves the margins");
    }
}

#[test]
fn the_command_renders_a_record_file() {
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (dir.path().join("record.json"), dir.path().join("بيان.pdf"));
    std::fs::write(&input, serde_json::to_vec(&record(3)).unwrap()).unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_masar-statement"))
        .args([input.as_os_str(), output.as_os_str(), "2026-11-29".as_ref()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(std::fs::read(&output).unwrap().starts_with(b"%PDF-"));

    std::fs::write(&input, b"{\"not\": \"a record\"}").unwrap();
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_masar-statement"))
        .args([input.as_os_str(), output.as_os_str()])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not an employee record"));
}

#[test]
fn the_qr_code_reads_as_the_verification_page_and_a_statement_without_one_says_so() {
    let code = "MSR-ACDE-FGHJ-2346";
    let pdf = render_with(&record(5), Some(code));
    let dir = tempfile::tempdir().unwrap();
    let (path, image) = (dir.path().join("s.pdf"), dir.path().join("page"));
    std::fs::write(&path, &pdf).unwrap();
    let rendered = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "200", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&path)
        .arg(&image)
        .status()
        .unwrap();
    assert!(rendered.success());
    let scanned = std::process::Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(image.with_extension("png"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&scanned.stdout).trim(),
        verify_url(code),
        "zbarimg: {}",
        String::from_utf8_lossy(&scanned.stderr)
    );
    let printed = text(&pdf, None);
    assert!(printed.contains(code), "the code is printed beside it too");
    assert!(printed.contains(&verify_url(code)), "and the page's address, to type: {printed}");
    let until: String = printed.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(until.contains("27فبراير2027"), "until the day the server set: {printed}");

    let without = text(&render_with(&record(5), None), None);
    assert!(without.contains("صدر دون رمز تحقق"), "{without}");
}
