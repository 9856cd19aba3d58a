//! Reads and writes of the record tables in SQLite: plain functions over a connection or a
//! transaction.

use anyhow::Context;
use masar_protocol::{
    AdminTransaction, DemoAccount, EmployeeProfile, EmployeeRecord, EmploymentEvent, Equivalency,
    NationalAddress, NationalId, Opportunity, PersonName, Qualification, SickLeave,
};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension, Row, ToSql, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Stores a serde value whose wire form is a string (enums, [`NationalId`]) as that string.
pub(super) struct Wire<T>(pub(super) T);

impl<T: Serialize> ToSql for Wire<T> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match serde_json::to_value(&self.0) {
            Ok(serde_json::Value::String(text)) => Ok(ToSqlOutput::from(text)),
            Ok(other) => Err(rusqlite::Error::ToSqlConversionFailure(
                format!("expected a string wire form, got {other}").into(),
            )),
            Err(error) => Err(rusqlite::Error::ToSqlConversionFailure(Box::new(error))),
        }
    }
}

impl<T: DeserializeOwned> FromSql for Wire<T> {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        serde_json::from_value(serde_json::Value::String(text.to_owned()))
            .map(Wire)
            .map_err(|error| FromSqlError::Other(Box::new(error)))
    }
}

fn wire<T: DeserializeOwned>(row: &Row<'_>, column: &str) -> rusqlite::Result<T> {
    row.get::<_, Wire<T>>(column).map(|Wire(value)| value)
}

pub fn insert_record(conn: &Connection, record: &EmployeeRecord) -> anyhow::Result<()> {
    let p = &record.profile;
    conn.execute(
        "INSERT INTO employees (national_id, employee_number,
            name_ar_first, name_ar_father, name_ar_grandfather, name_ar_family,
            name_en_first, name_en_father, name_en_grandfather, name_en_family,
            gender, birth_date, nationality, entity, job_title, job_number, rank, step,
            appointment_date, mobile, email, building_number, street, district, city,
            postal_code, additional_number)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
        params![
            Wire(&p.national_id),
            p.employee_number,
            p.name_ar.first,
            p.name_ar.father,
            p.name_ar.grandfather,
            p.name_ar.family,
            p.name_en.first,
            p.name_en.father,
            p.name_en.grandfather,
            p.name_en.family,
            Wire(p.gender),
            p.birth_date,
            p.nationality,
            p.entity,
            p.job_title,
            p.job_number,
            p.rank,
            p.step,
            p.appointment_date,
            p.mobile,
            p.email,
            p.address.building_number,
            p.address.street,
            p.address.district,
            p.address.city,
            p.address.postal_code,
            p.address.additional_number,
        ],
    )
    .context("insert employee")?;
    let id = Wire(&p.national_id);
    conn.execute(
        "INSERT INTO changes (national_id, kind, version, at) VALUES (?1, 'profile', 1, 0)",
        params![id],
    )
    .context("record the new employee as a change")?;
    for (position, e) in (0_i64..).zip(&record.employment_events) {
        conn.execute(
            "INSERT INTO employment_events (national_id, position, kind, decision_number, date,
                end_date, job_title, job_number, rank, step, entity)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                id,
                position,
                Wire(e.kind),
                e.decision_number,
                e.date,
                e.end_date,
                e.job_title,
                e.job_number,
                e.rank,
                e.step,
                e.entity
            ],
        )
        .context("insert employment event")?;
    }
    for q in &record.qualifications {
        super::record_qualifications::insert(conn, p.national_id.as_str(), q)?;
    }
    for t in &record.transactions {
        conn.execute(
            "INSERT INTO admin_transactions (incoming_number, national_id, registration_number,
                date, entity, subject, current_step, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                t.incoming_number,
                id,
                t.registration_number,
                t.date,
                t.entity,
                t.subject,
                t.current_step,
                Wire(t.status)
            ],
        )
        .context("insert administrative transaction")?;
    }
    for s in &record.sick_leaves {
        conn.execute(
            "INSERT INTO sick_leaves (leave_number, national_id, start_date, end_date, days,
                facility, doctor, issue_date, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                s.leave_number,
                id,
                s.start_date,
                s.end_date,
                s.days,
                s.facility,
                s.doctor,
                s.issue_date,
                Wire(s.status)
            ],
        )
        .context("insert sick leave")?;
    }
    Ok(())
}

pub fn insert_opportunity(conn: &Connection, o: &Opportunity) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO opportunities (id, kind, title, provider, location, start_date,
            duration_days, application_deadline, seats, minimum_rank)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            o.id,
            Wire(o.kind),
            o.title,
            o.provider,
            o.location,
            o.start_date,
            o.duration_days,
            o.application_deadline,
            o.seats,
            o.minimum_rank
        ],
    )
    .context("insert opportunity")?;
    Ok(())
}

fn name(row: &Row<'_>, lang: &str) -> rusqlite::Result<PersonName> {
    Ok(PersonName {
        first: row.get(format!("name_{lang}_first").as_str())?,
        father: row.get(format!("name_{lang}_father").as_str())?,
        grandfather: row.get(format!("name_{lang}_grandfather").as_str())?,
        family: row.get(format!("name_{lang}_family").as_str())?,
    })
}

fn profile_from_row(row: &Row<'_>) -> rusqlite::Result<EmployeeProfile> {
    Ok(EmployeeProfile {
        national_id: wire(row, "national_id")?,
        employee_number: row.get("employee_number")?,
        name_ar: name(row, "ar")?,
        name_en: name(row, "en")?,
        gender: wire(row, "gender")?,
        birth_date: row.get("birth_date")?,
        nationality: row.get("nationality")?,
        entity: row.get("entity")?,
        job_title: row.get("job_title")?,
        job_number: row.get("job_number")?,
        rank: row.get("rank")?,
        step: row.get("step")?,
        appointment_date: row.get("appointment_date")?,
        mobile: row.get("mobile")?,
        email: row.get("email")?,
        address: NationalAddress {
            building_number: row.get("building_number")?,
            street: row.get("street")?,
            district: row.get("district")?,
            city: row.get("city")?,
            postal_code: row.get("postal_code")?,
            additional_number: row.get("additional_number")?,
        },
    })
}

/// The profile and its version.
pub fn load_profile(conn: &Connection, id: &NationalId) -> anyhow::Result<Option<(EmployeeProfile, u64)>> {
    conn.query_row("SELECT * FROM employees WHERE national_id = ?1", [Wire(id)], |row| {
        Ok((profile_from_row(row)?, row.get::<_, u64>("version")?))
    })
    .optional()
    .context("load profile")
}

/// The whole record of one employee, or `None` if there is no such employee.
pub fn load_record(conn: &Connection, id: &NationalId) -> anyhow::Result<Option<EmployeeRecord>> {
    let key = Wire(id);
    let Some(profile) = conn
        .query_row("SELECT * FROM employees WHERE national_id = ?1", [&key], profile_from_row)
        .optional()
        .context("load employee")?
    else {
        return Ok(None);
    };
    let employment_events = conn
        .prepare("SELECT * FROM employment_events WHERE national_id = ?1 ORDER BY position")?
        .query_map([&key], |row| {
            Ok(EmploymentEvent {
                kind: wire(row, "kind")?,
                decision_number: row.get("decision_number")?,
                date: row.get("date")?,
                end_date: row.get("end_date")?,
                job_title: row.get("job_title")?,
                job_number: row.get("job_number")?,
                rank: row.get("rank")?,
                step: row.get("step")?,
                entity: row.get("entity")?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()
        .context("load employment events")?;
    let qualifications = conn
        .prepare("SELECT * FROM qualifications WHERE national_id = ?1 ORDER BY graduation_date")?
        .query_map([&key], |row| {
            let equivalency =
                match (row.get::<_, Option<String>>("equivalency_number")?, row.get("equivalency_date")?) {
                    (Some(number), Some(date)) => Some(Equivalency { number, date }),
                    _ => None,
                };
            Ok(Qualification {
                id: row.get("id")?,
                level: wire(row, "level")?,
                major: row.get("major")?,
                institution: row.get("institution")?,
                country: row.get("country")?,
                study_mode: wire(row, "study_mode")?,
                start_date: row.get("start_date")?,
                graduation_date: row.get("graduation_date")?,
                // Stored as REAL; the values are two-decimal GPAs, well inside f32.
                #[allow(clippy::cast_possible_truncation)]
                gpa: row.get::<_, f64>("gpa")? as f32,
                gpa_scale: row.get("gpa_scale")?,
                grade: wire(row, "grade")?,
                equivalency,
                status: wire(row, "status")?,
                rejection_reason: row.get("rejection_reason")?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()
        .context("load qualifications")?;
    let transactions = conn
        .prepare("SELECT * FROM admin_transactions WHERE national_id = ?1 ORDER BY date DESC")?
        .query_map([&key], |row| {
            Ok(AdminTransaction {
                incoming_number: row.get("incoming_number")?,
                registration_number: row.get("registration_number")?,
                date: row.get("date")?,
                entity: row.get("entity")?,
                subject: row.get("subject")?,
                current_step: row.get("current_step")?,
                status: wire(row, "status")?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()
        .context("load administrative transactions")?;
    let sick_leaves = conn
        .prepare("SELECT * FROM sick_leaves WHERE national_id = ?1 ORDER BY start_date DESC")?
        .query_map([&key], |row| {
            Ok(SickLeave {
                leave_number: row.get("leave_number")?,
                start_date: row.get("start_date")?,
                end_date: row.get("end_date")?,
                days: row.get("days")?,
                facility: row.get("facility")?,
                doctor: row.get("doctor")?,
                issue_date: row.get("issue_date")?,
                status: wire(row, "status")?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()
        .context("load sick leaves")?;
    Ok(Some(EmployeeRecord { profile, employment_events, qualifications, transactions, sick_leaves }))
}

pub fn list_opportunities(conn: &Connection) -> anyhow::Result<Vec<Opportunity>> {
    let rows = conn
        .prepare("SELECT * FROM opportunities ORDER BY application_deadline, id")?
        .query_map([], opportunity)?
        .collect::<Result<Vec<_>, _>>()
        .context("load opportunities")?;
    Ok(rows)
}

/// An `opportunities` row.
pub(super) fn opportunity(row: &rusqlite::Row<'_>) -> rusqlite::Result<Opportunity> {
    Ok(Opportunity {
        id: row.get("id")?,
        kind: wire(row, "kind")?,
        title: row.get("title")?,
        provider: row.get("provider")?,
        location: row.get("location")?,
        start_date: row.get("start_date")?,
        duration_days: row.get("duration_days")?,
        application_deadline: row.get("application_deadline")?,
        seats: row.get("seats")?,
        minimum_rank: row.get("minimum_rank")?,
    })
}

/// Every account, employees first (in employee-number order), then HR officers: the demo
/// sign-in hints.
pub fn demo_accounts(conn: &Connection) -> anyhow::Result<Vec<DemoAccount>> {
    let rows = conn
        .prepare(
            "SELECT e.*, a.role FROM employees e JOIN accounts a ON a.national_id = e.national_id
             ORDER BY a.role = 'hr_officer', e.employee_number",
        )?
        .query_map([], |row| {
            let national_id: NationalId = wire(row, "national_id")?;
            let role: String = row.get("role")?;
            Ok(DemoAccount {
                password: crate::demo::demo_password(&national_id),
                national_id,
                name_ar: name(row, "ar")?,
                job_title: row.get("job_title")?,
                role: masar_protocol::auth::Role::parse(&role)
                    .unwrap_or(masar_protocol::auth::Role::Employee),
            })
        })?
        .collect::<Result<Vec<_>, _>>()
        .context("load demo accounts")?;
    Ok(rows)
}

pub fn count_employees(conn: &Connection) -> anyhow::Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM employees", [], |row| row.get(0))?)
}
