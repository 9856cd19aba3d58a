//! The statement's layout: on every page the header (the kingdom, the entity, «بيان خدمة», the
//! issue date in both calendars) and the footer (page n of N); on the first page the employee's
//! data and the length of service; then the record of decisions as a table, continued on as many
//! pages as it needs with its column headings repeated.

use chrono::NaiveDate;
use masar_protocol::record::{EmployeeRecord, EmploymentEvent};
use masar_protocol::service::{ServiceLength, length_of_service};
use printpdf::{Mm, ParsedFont, PdfDocument, PdfPage, PdfSaveOptions};
use rustybuzz::Face;

use crate::fonts::{BOLD, REGULAR};
use crate::page::{Align, Font, HEIGHT, MARGIN, Page, WIDTH, gray, green};
use crate::words;

#[derive(Debug, thiserror::Error)]
pub enum StatementError {
    #[error("the statement's font cannot be read")]
    Font,
    #[error("the verification code cannot be drawn as a QR code")]
    Qr,
}

/// What a statement says besides the record: when it was issued, and the server's code for it
/// (none when it was made offline without one).
#[derive(Debug, Clone)]
pub struct Issue {
    pub date: NaiveDate,
    pub verification: Option<Verification>,
}

/// The server's code for a statement: printed, held by the QR code as the URL of its page, and
/// verifiable until a day the server set.
#[derive(Debug, Clone)]
pub struct Verification {
    pub code: String,
    pub url: String,
    pub until: NaiveDate,
}

const ROW: f32 = 20.0;
const RIGHT: f32 = WIDTH - MARGIN;
const TEXT: f32 = 10.5;
/// The decision table's columns from the right: heading and width in points (511.28 in all).
/// Rank and step have a column each: a single «10 / 3» cell reads in the wrong order from the
/// right.
const COLUMNS: [(&str, f32); 9] = [
    ("م", 18.0),
    ("القرار", 58.0),
    ("رقم القرار", 56.0),
    ("التاريخ م", 56.0),
    ("التاريخ هـ", 56.0),
    ("المسمى الوظيفي", 116.0),
    ("المرتبة", 34.0),
    ("الدرجة", 34.0),
    ("الجهة", 83.28),
];
/// Where the table starts: on the first page below the employee's data and the length of
/// service, on the others below the header.
const FIRST_TABLE_TOP: f32 = 405.0;
const TABLE_TOP: f32 = 680.0;
const TABLE_BOTTOM: f32 = 70.0;

fn rows_fitting(top: f32) -> usize {
    // The heading row, then the decisions.
    (((top - TABLE_BOTTOM) / ROW) as usize).saturating_sub(1).max(1)
}

/// The decisions on each page: as many as fit, the first page having less room.
fn paginate(events: &[EmploymentEvent]) -> Vec<&[EmploymentEvent]> {
    let mut pages = Vec::new();
    let mut rest = events;
    let mut room = rows_fitting(FIRST_TABLE_TOP);
    loop {
        let take = room.min(rest.len());
        pages.push(&rest[..take]);
        rest = &rest[take..];
        if rest.is_empty() {
            return pages;
        }
        room = rows_fitting(TABLE_TOP);
    }
}

struct Fonts {
    regular: Font,
    bold: Font,
}

/// A rendered statement.
#[derive(Debug, Clone)]
pub struct Statement {
    pub pdf: Vec<u8>,
    pub pages: usize,
}

/// The statement of `record`.
pub fn render(record: &EmployeeRecord, issue: &Issue) -> Result<Statement, StatementError> {
    let mut doc = PdfDocument::new("بيان خدمة");
    let mut warnings = Vec::new();
    let mut load = |bytes: &'static [u8]| -> Result<Font, StatementError> {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or(StatementError::Font)?;
        let face = Face::from_slice(bytes, 0).ok_or(StatementError::Font)?;
        Ok(Font { face, id: doc.add_font(&parsed) })
    };
    let fonts = Fonts { regular: load(REGULAR)?, bold: load(BOLD)? };

    let length = length_of_service(&record.employment_events, record.profile.appointment_date, issue.date);
    let pages = paginate(&record.employment_events);
    let total = pages.len();
    let mut numbered = 0;
    let mut out = Vec::new();
    for (index, events) in pages.into_iter().enumerate() {
        let mut page = Page::default();
        header(&mut page, &fonts, record, issue)?;
        let top = if index == 0 {
            let below = employee(&mut page, &fonts, record);
            let below = service(&mut page, &fonts, &length, below);
            debug_assert!(below >= FIRST_TABLE_TOP, "{below}");
            FIRST_TABLE_TOP
        } else {
            TABLE_TOP
        };
        numbered = decisions(&mut page, &fonts, top, events, numbered);
        footer(&mut page, &fonts, index + 1, total, issue.verification.as_ref());
        out.push(PdfPage::new(Mm(210.0), Mm(297.0), page.ops));
    }
    let pages = out.len();
    doc.with_pages(out);
    let mut save_warnings = Vec::new();
    let pdf =
        doc.save(&PdfSaveOptions { subset_fonts: true, ..PdfSaveOptions::default() }, &mut save_warnings);
    Ok(Statement { pdf, pages })
}

fn header(
    page: &mut Page,
    fonts: &Fonts,
    record: &EmployeeRecord,
    issue: &Issue,
) -> Result<(), StatementError> {
    let top = HEIGHT - MARGIN;
    let half = (RIGHT - MARGIN) / 2.0;
    page.fill(0.0, HEIGHT - 8.0, WIDTH, 8.0, green());
    let kingdom = "المملكة العربية السعودية";
    page.text(&fonts.bold, 12.0, gray(0.1), RIGHT, top - 12.0, Align::Right, half, kingdom);
    page.text(&fonts.regular, 11.0, gray(0.1), RIGHT, top - 30.0, Align::Right, half, &record.profile.entity);
    if let Some(verification) = &issue.verification {
        qr(page, &verification.url, MARGIN, top - 72.0, 64.0)?;
        page.text(&fonts.regular, 7.5, gray(0.2), MARGIN, top - 84.0, Align::Left, 120.0, &verification.code);
    }
    page.text(
        &fonts.bold,
        22.0,
        green(),
        WIDTH / 2.0,
        top - 62.0,
        Align::Center,
        RIGHT - MARGIN,
        "بيان خدمة",
    );
    let issued = format!("تاريخ الإصدار: {}", words::both_calendars(issue.date));
    page.text(&fonts.regular, TEXT, gray(0.2), WIDTH / 2.0, top - 82.0, Align::Center, half, &issued);
    page.rule(MARGIN, RIGHT, top - 94.0, 0.8, green());
    Ok(())
}

/// `text` as a QR code (medium error correction), `size` points square from (`x`, `y`).
fn qr(page: &mut Page, text: &str, x: f32, y: f32, size: f32) -> Result<(), StatementError> {
    let qr = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)
        .map_err(|_| StatementError::Qr)?;
    let width = qr.width();
    // A quiet zone of two modules on every side, as readers need.
    let module = size / (width + 4) as f32;
    page.fill(x, y, size, size, gray(1.0));
    for (index, color) in qr.to_colors().into_iter().enumerate() {
        if color == qrcode::Color::Dark {
            let (column, row) = (index % width, index / width);
            let left = x + (column + 2) as f32 * module;
            let bottom = y + size - (row + 3) as f32 * module;
            page.fill(left, bottom, module, module, gray(0.0));
        }
    }
    Ok(())
}

/// The employee's data from below the header; returns the height below it.
fn employee(page: &mut Page, fonts: &Fonts, record: &EmployeeRecord) -> f32 {
    let p = &record.profile;
    let name = [&p.name_ar.first, &p.name_ar.father, &p.name_ar.grandfather, &p.name_ar.family]
        .into_iter()
        .filter(|part| !part.trim().is_empty())
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    let rows: [(&str, String); 8] = [
        ("الاسم", name),
        ("رقم الهوية", p.national_id.to_string()),
        ("الرقم الوظيفي", p.employee_number.clone()),
        ("الجنسية", p.nationality.clone()),
        ("الجهة", p.entity.clone()),
        ("المسمى الوظيفي", p.job_title.clone()),
        ("المرتبة / الدرجة", format!("المرتبة {} — الدرجة {}", p.rank, p.step)),
        ("تاريخ التعيين", words::both_calendars(p.appointment_date)),
    ];
    let mut y = HEIGHT - MARGIN - 122.0;
    page.text(&fonts.bold, 13.0, green(), RIGHT, y, Align::Right, RIGHT - MARGIN, "بيانات الموظف");
    y -= 22.0;
    let label_width = 110.0;
    for (label, value) in rows {
        // A field the record does not have is shown as missing, not as a blank.
        let value = if value.trim().is_empty() { "—".to_owned() } else { value };
        page.fill(MARGIN, y - 6.0, RIGHT - MARGIN, ROW, gray(0.96));
        page.text(&fonts.bold, TEXT, gray(0.25), RIGHT - 6.0, y, Align::Right, label_width, label);
        let room = RIGHT - MARGIN - label_width - 18.0;
        page.text(
            &fonts.regular,
            TEXT,
            gray(0.05),
            RIGHT - label_width - 12.0,
            y,
            Align::Right,
            room,
            &value,
        );
        y -= ROW + 2.0;
    }
    y
}

/// The length of service from `top`; returns the height below it.
fn service(page: &mut Page, fonts: &Fonts, length: &ServiceLength, top: f32) -> f32 {
    let y = top - 10.0;
    page.text(&fonts.bold, 13.0, green(), RIGHT, y + 4.0, Align::Right, RIGHT - MARGIN, "مدة الخدمة");
    let until = if length.in_service {
        "حتى تاريخ الإصدار"
    } else {
        "حتى انتهاء الخدمة"
    };
    let total = format!("{} ({until})", words::span(length.total));
    page.text(&fonts.bold, 12.0, gray(0.05), RIGHT - 6.0, y - 16.0, Align::Right, RIGHT - MARGIN, &total);
    let mut rule = "تحسب بالتقويم الميلادي من تاريخ التعيين".to_owned();
    if length.excluded_days > 0 {
        rule.push_str(&format!(
            "، ولا تدخل فيها إجازات بدون راتب مدتها {}",
            words::days(length.excluded_days)
        ));
    }
    page.text(
        &fonts.regular,
        9.5,
        gray(0.3),
        RIGHT - 6.0,
        y - 32.0,
        Align::Right,
        RIGHT - MARGIN,
        &format!("{rule}."),
    );
    y - 48.0
}

/// The table of `events` from `top` down; returns the last row number used.
fn decisions(page: &mut Page, fonts: &Fonts, top: f32, events: &[EmploymentEvent], numbered: usize) -> usize {
    let mut y = top;
    page.text(&fonts.bold, 13.0, green(), RIGHT, y + 8.0, Align::Right, RIGHT - MARGIN, "سجل القرارات");
    y -= 16.0;
    page.fill(MARGIN, y - 6.0, RIGHT - MARGIN, ROW, green());
    let mut x = RIGHT;
    for (heading, width) in COLUMNS {
        page.text(&fonts.bold, 9.0, gray(1.0), x - 4.0, y, Align::Right, width - 6.0, heading);
        x -= width;
    }
    let mut number = numbered;
    for event in events {
        y -= ROW;
        number += 1;
        if number.is_multiple_of(2) {
            page.fill(MARGIN, y - 6.0, RIGHT - MARGIN, ROW, gray(0.95));
        }
        let (gregorian, hijri) = words::numeric_dates(event.date);
        let cells = [
            number.to_string(),
            words::kind(event.kind).to_owned(),
            event.decision_number.clone(),
            gregorian,
            hijri.unwrap_or_default(),
            event.job_title.clone(),
            event.rank.to_string(),
            event.step.to_string(),
            event.entity.clone(),
        ];
        let mut x = RIGHT;
        for ((_, width), cell) in COLUMNS.iter().zip(cells) {
            let size = if cell.chars().count() > 22 { 7.5 } else { 8.5 };
            page.text(&fonts.regular, size, gray(0.05), x - 4.0, y, Align::Right, width - 6.0, &cell);
            x -= width;
        }
    }
    page.rule(MARGIN, RIGHT, y - 8.0, 0.6, gray(0.6));
    number
}

fn footer(page: &mut Page, fonts: &Fonts, number: usize, total: usize, verification: Option<&Verification>) {
    page.rule(MARGIN, RIGHT, 50.0, 0.5, gray(0.7));
    let text = format!("صفحة {number} من {total}");
    page.text(&fonts.regular, 9.0, gray(0.3), WIDTH / 2.0, 22.0, Align::Center, 120.0, &text);
    let note = match verification {
        Some(verification) => {
            // The page's address on its own line, left to right, where a reader types it from.
            let url = &verification.url;
            page.text(&fonts.regular, 7.5, gray(0.3), RIGHT, 22.0, Align::Right, 220.0, url);
            format!(
                "يتحقق من هذا البيان من يتسلمه دون تسجيل دخول، بمسح الرمز أو بفتح الرابط أدناه، حتى {}",
                words::both_calendars(verification.until)
            )
        }
        None => "صدر دون رمز تحقق: لم يتصل الجهاز بمسار منذ آخر تغيير في السجل".to_owned(),
    };
    page.text(&fonts.regular, 8.0, gray(0.45), RIGHT, 36.0, Align::Right, RIGHT - MARGIN, &note);
    page.text(
        &fonts.regular,
        8.0,
        gray(0.45),
        MARGIN,
        22.0,
        Align::Left,
        150.0,
        "منصة مسار — بياناتي الوظيفية",
    );
}
