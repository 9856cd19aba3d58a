-- The employee's record as Masar keeps it. Enumerations are stored as their snake_case wire names;
-- dates as ISO-8601 text (YYYY-MM-DD, Gregorian).

CREATE TABLE server_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE employees (
    national_id        TEXT PRIMARY KEY,
    employee_number    TEXT NOT NULL UNIQUE,
    name_ar_first      TEXT NOT NULL,
    name_ar_father     TEXT NOT NULL,
    name_ar_grandfather TEXT NOT NULL,
    name_ar_family     TEXT NOT NULL,
    name_en_first      TEXT NOT NULL,
    name_en_father     TEXT NOT NULL,
    name_en_grandfather TEXT NOT NULL,
    name_en_family     TEXT NOT NULL,
    gender             TEXT NOT NULL,
    birth_date         TEXT NOT NULL,
    nationality        TEXT NOT NULL,
    entity             TEXT NOT NULL,
    job_title          TEXT NOT NULL,
    job_number         TEXT NOT NULL,
    rank               INTEGER NOT NULL,
    step               INTEGER NOT NULL,
    appointment_date   TEXT NOT NULL,
    mobile             TEXT NOT NULL,
    email              TEXT NOT NULL,
    building_number    TEXT NOT NULL,
    street             TEXT NOT NULL,
    district           TEXT NOT NULL,
    city               TEXT NOT NULL,
    postal_code        TEXT NOT NULL,
    additional_number  TEXT NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE employment_events (
    national_id     TEXT NOT NULL REFERENCES employees (national_id),
    position        INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    decision_number TEXT NOT NULL,
    date            TEXT NOT NULL,
    end_date        TEXT,
    job_title       TEXT NOT NULL,
    job_number      TEXT NOT NULL,
    rank            INTEGER NOT NULL,
    step            INTEGER NOT NULL,
    entity          TEXT NOT NULL,
    PRIMARY KEY (national_id, position)
) STRICT;

CREATE TABLE qualifications (
    id                 TEXT PRIMARY KEY,
    national_id        TEXT NOT NULL REFERENCES employees (national_id),
    level              TEXT NOT NULL,
    major              TEXT NOT NULL,
    institution        TEXT NOT NULL,
    country            TEXT NOT NULL,
    study_mode         TEXT NOT NULL,
    start_date         TEXT NOT NULL,
    graduation_date    TEXT NOT NULL,
    gpa                REAL NOT NULL,
    gpa_scale          INTEGER NOT NULL,
    grade              TEXT NOT NULL,
    equivalency_number TEXT,
    equivalency_date   TEXT,
    status             TEXT NOT NULL,
    rejection_reason   TEXT
) STRICT;
CREATE INDEX qualifications_by_employee ON qualifications (national_id);

CREATE TABLE admin_transactions (
    incoming_number     TEXT PRIMARY KEY,
    national_id         TEXT NOT NULL REFERENCES employees (national_id),
    registration_number TEXT NOT NULL,
    date                TEXT NOT NULL,
    entity              TEXT NOT NULL,
    subject             TEXT NOT NULL,
    current_step        TEXT NOT NULL,
    status              TEXT NOT NULL
) STRICT;
CREATE INDEX admin_transactions_by_employee ON admin_transactions (national_id);

CREATE TABLE sick_leaves (
    leave_number TEXT PRIMARY KEY,
    national_id  TEXT NOT NULL REFERENCES employees (national_id),
    start_date   TEXT NOT NULL,
    end_date     TEXT NOT NULL,
    days         INTEGER NOT NULL,
    facility     TEXT NOT NULL,
    doctor       TEXT NOT NULL,
    issue_date   TEXT NOT NULL,
    status       TEXT NOT NULL
) STRICT;
CREATE INDEX sick_leaves_by_employee ON sick_leaves (national_id);

CREATE TABLE opportunities (
    id                   TEXT PRIMARY KEY,
    kind                 TEXT NOT NULL,
    title                TEXT NOT NULL,
    provider             TEXT NOT NULL,
    location             TEXT NOT NULL,
    start_date           TEXT NOT NULL,
    duration_days        INTEGER NOT NULL,
    application_deadline TEXT NOT NULL,
    seats                INTEGER NOT NULL,
    minimum_rank         INTEGER NOT NULL
) STRICT;
