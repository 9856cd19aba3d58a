//! The record in PostgreSQL: the profile and the seeded history as documents, the
//! opportunities, the demo accounts, statement codes.

use anyhow::Context;
use deadpool_postgres::GenericClient;
use masar_protocol::statement::StatementCode;
use masar_protocol::{
    AdminTransaction, DemoAccount, EmployeeProfile, EmployeeRecord, EmploymentEvent, NationalId, Opportunity,
    Qualification, SickLeave,
};
use serde::{Deserialize, Serialize};
use tokio_postgres::types::Json;

use super::db::{exec, one, opt, rows, unsigned};
use crate::demo::{DemoData, demo_password};
use crate::storage::IssuedStatement;

/// The record beside the profile: seeded, read whole.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct History {
    employment_events: Vec<EmploymentEvent>,
    qualifications: Vec<Qualification>,
    transactions: Vec<AdminTransaction>,
    sick_leaves: Vec<SickLeave>,
}

/// Taken while seeding: nodes starting together seed once.
const SEED_LOCK: i64 = 0x4d41_5341_5202;

/// Seeds `data` into an empty database (one transaction), each account with its password's hash
/// (`hashes`, in `data.accounts()` order); false when it holds employees.
pub async fn seed(
    tx: &impl GenericClient,
    data: &DemoData,
    hashes: &[String],
    seed: u64,
) -> anyhow::Result<bool> {
    exec(tx, "SELECT pg_advisory_xact_lock($1)", &[&SEED_LOCK]).await?;
    let count: i64 = one(tx, "SELECT count(*) FROM employees", &[]).await?.get(0);
    if count > 0 {
        return Ok(false);
    }
    for ((record, role), hash) in data.accounts().zip(hashes) {
        let p = &record.profile;
        let history = History {
            employment_events: record.employment_events.clone(),
            qualifications: record.qualifications.clone(),
            transactions: record.transactions.clone(),
            sick_leaves: record.sick_leaves.clone(),
        };
        exec(
            tx,
            "INSERT INTO employees (national_id, employee_number, profile, history) VALUES ($1, $2, $3, $4)",
            &[&p.national_id.as_str(), &p.employee_number, &Json(p), &Json(&history)],
        )
        .await
        .context("insert employee")?;
        exec(
            tx,
            "INSERT INTO changes (national_id, kind, version, at) VALUES ($1, 'profile', 1, 0)",
            &[&p.national_id.as_str()],
        )
        .await?;
        exec(
            tx,
            "INSERT INTO accounts (national_id, password_hash, mobile, role) VALUES ($1, $2, $3, $4)",
            &[&p.national_id.as_str(), hash, &p.mobile, &role.as_str()],
        )
        .await?;
    }
    for o in &data.opportunities {
        exec(
            tx,
            "INSERT INTO opportunities (id, deadline, doc) VALUES ($1, $2, $3)",
            &[&o.id, &o.application_deadline.to_string(), &Json(o)],
        )
        .await?;
    }
    exec(tx, "INSERT INTO server_meta (key, value) VALUES ('demo_seed', $1)", &[&seed.to_string()]).await?;
    Ok(true)
}

/// The profile and its version; with `lock`, the employee's row stays locked until the end of
/// the transaction (every change of this employee waits for it).
pub async fn load_profile(
    tx: &impl GenericClient,
    id: &NationalId,
    lock: bool,
) -> anyhow::Result<Option<(EmployeeProfile, u64)>> {
    let sql = if lock {
        "SELECT profile, version FROM employees WHERE national_id = $1 FOR NO KEY UPDATE"
    } else {
        "SELECT profile, version FROM employees WHERE national_id = $1"
    };
    Ok(opt(tx, sql, &[&id.as_str()]).await?.map(|row| {
        let Json(profile): Json<EmployeeProfile> = row.get(0);
        (profile, unsigned(row.get(1)))
    }))
}

pub async fn load_record(tx: &impl GenericClient, id: &NationalId) -> anyhow::Result<Option<EmployeeRecord>> {
    let row =
        opt(tx, "SELECT profile, history FROM employees WHERE national_id = $1", &[&id.as_str()]).await?;
    Ok(row.map(|row| {
        let Json(profile): Json<EmployeeProfile> = row.get(0);
        let Json(history): Json<History> = row.get(1);
        EmployeeRecord {
            profile,
            employment_events: history.employment_events,
            qualifications: history.qualifications,
            transactions: history.transactions,
            sick_leaves: history.sick_leaves,
        }
    }))
}

/// A qualification on the record written back under its id (a decision on its update), inside
/// the transaction that holds the employee's lock.
pub async fn replace_qualification(
    tx: &impl GenericClient,
    id: &NationalId,
    qualification: &Qualification,
) -> anyhow::Result<()> {
    let Some(record) = load_record(tx, id).await? else { return Ok(()) };
    let list: Vec<Qualification> = record
        .qualifications
        .into_iter()
        .map(|q| if q.id == qualification.id { qualification.clone() } else { q })
        .collect();
    exec(
        tx,
        "UPDATE employees SET history = jsonb_set(history, '{qualifications}', $2) WHERE national_id = $1",
        &[&id.as_str(), &Json(&list)],
    )
    .await?;
    Ok(())
}

pub async fn opportunities(tx: &impl GenericClient) -> anyhow::Result<Vec<Opportunity>> {
    let rows = rows(tx, "SELECT doc FROM opportunities ORDER BY deadline, id", &[]).await?;
    Ok(rows.iter().map(|row| row.get::<_, Json<Opportunity>>(0).0).collect())
}

pub async fn opportunity(tx: &impl GenericClient, id: &str) -> anyhow::Result<Option<Opportunity>> {
    let row = opt(tx, "SELECT doc FROM opportunities WHERE id = $1", &[&id]).await?;
    Ok(row.map(|row| row.get::<_, Json<Opportunity>>(0).0))
}

/// Every account, employees first (in employee-number order), then HR officers.
pub async fn demo_accounts(tx: &impl GenericClient) -> anyhow::Result<Vec<DemoAccount>> {
    let rows = rows(
        tx,
        "SELECT e.profile, a.role FROM employees e JOIN accounts a ON a.national_id = e.national_id
             ORDER BY a.role = 'hr_officer', e.employee_number",
        &[],
    )
    .await?;
    rows.iter()
        .map(|row| {
            let Json(profile): Json<EmployeeProfile> = row.get(0);
            let role: String = row.get(1);
            Ok(DemoAccount {
                password: demo_password(&profile.national_id),
                national_id: profile.national_id,
                name_ar: profile.name_ar,
                job_title: profile.job_title,
                role: masar_protocol::auth::Role::parse(&role)
                    .with_context(|| format!("unknown role {role}"))?,
            })
        })
        .collect()
}

pub async fn save_statement(
    tx: &impl GenericClient,
    employee: &NationalId,
    code: &StatementCode,
) -> anyhow::Result<()> {
    exec(
        tx,
        "INSERT INTO statement_codes (code, national_id, facts, issued_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &code.code,
            &employee.as_str(),
            &Json(&code.facts),
            &code.issued_at.timestamp_millis(),
            &code.expires_at.timestamp_millis(),
        ],
    )
    .await?;
    Ok(())
}

pub async fn statement(tx: &impl GenericClient, code: &str) -> anyhow::Result<Option<IssuedStatement>> {
    let sql = "SELECT national_id, facts, issued_at, expires_at FROM statement_codes WHERE code = $1";
    let Some(row) = opt(tx, sql, &[&code]).await? else { return Ok(None) };
    Ok(Some(IssuedStatement {
        holder: NationalId::parse(row.get::<_, &str>(0))?,
        code: code.to_owned(),
        facts: row.get::<_, Json<masar_protocol::statement::StatementFacts>>(1).0,
        issued_at: chrono::DateTime::from_timestamp_millis(row.get(2)).unwrap_or_default(),
        expires_at: chrono::DateTime::from_timestamp_millis(row.get(3)).unwrap_or_default(),
    }))
}

/// Keeps `fresh` as the vault's escrow key unless it has one; returns the one kept. Two
/// statements, each its own snapshot: the select sees a key another node kept meanwhile.
pub async fn vault_key(
    client: &impl GenericClient,
    employee: &NationalId,
    vault_id: &str,
    fresh: &[u8; 32],
    now_ms: i64,
) -> anyhow::Result<Vec<u8>> {
    exec(
        client,
        "INSERT INTO vault_keys (national_id, vault_id, key, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (national_id, vault_id) DO NOTHING",
        &[&employee.as_str(), &vault_id, &fresh.as_slice(), &now_ms],
    )
    .await?;
    existing_vault_key(client, employee, vault_id).await?.context("the vault key just kept is gone")
}

pub async fn existing_vault_key(
    client: &impl GenericClient,
    employee: &NationalId,
    vault_id: &str,
) -> anyhow::Result<Option<Vec<u8>>> {
    let row = opt(
        client,
        "SELECT key FROM vault_keys WHERE national_id = $1 AND vault_id = $2",
        &[&employee.as_str(), &vault_id],
    )
    .await?;
    Ok(row.map(|row| row.get(0)))
}
