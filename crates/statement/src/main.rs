//! `masar-statement RECORD.json OUT.pdf [YYYY-MM-DD]`: the service statement of a record as
//! `GET /v1/me/record` returns it (for support staff, scripts and tests); issued today unless a
//! date is given.

use std::process::ExitCode;

use masar_protocol::record::EmployeeRecord;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(input), Some(output)) = (args.first(), args.get(1)) else {
        return fail("usage: masar-statement RECORD.json OUT.pdf [YYYY-MM-DD]");
    };
    let date = match args.get(2) {
        Some(text) => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) => date,
            Err(error) => return fail(&format!("not a date: {text} ({error})")),
        },
        None => chrono::Local::now().date_naive(),
    };
    let json = match std::fs::read(input) {
        Ok(json) => json,
        Err(error) => return fail(&format!("cannot read {input}: {error}")),
    };
    let record: EmployeeRecord = match serde_json::from_slice(&json) {
        Ok(record) => record,
        Err(error) => return fail(&format!("{input} is not an employee record: {error}")),
    };
    match masar_statement::render(&record, &masar_statement::Issue { date, verification: None }) {
        Ok(statement) => match std::fs::write(output, statement.pdf) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => fail(&format!("cannot write {output}: {error}")),
        },
        Err(error) => fail(&error.to_string()),
    }
}

fn fail(message: &str) -> ExitCode {
    #[allow(clippy::print_stderr)]
    {
        eprintln!("masar-statement: {message}");
    }
    ExitCode::FAILURE
}
