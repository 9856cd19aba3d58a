use std::collections::HashSet;

use masar_protocol::*;

use super::*;

#[test]
fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
    assert_eq!(generate(1448, as_of()), generate(1448, as_of()));
    assert_ne!(generate(1448, as_of()).employees, generate(1449, as_of()).employees);
}

#[test]
fn every_employee_is_complete_and_valid() {
    let days = [as_of(), date(2026, 12, 7), date(2027, 12, 7), date(2031, 2, 28)];
    for (seed, today) in [1, 2, 1448, 99_999].into_iter().zip(days) {
        let data = generate(seed, today);
        assert_eq!(data.employees.len(), DEMO_EMPLOYEES);
        let ids: HashSet<_> = data.employees.iter().map(|e| e.profile.national_id.clone()).collect();
        assert_eq!(ids.len(), DEMO_EMPLOYEES, "national IDs are unique (seed {seed})");
        assert!(data.employees.iter().any(|e| e.profile.national_id.as_str().starts_with('2')));
        for e in &data.employees {
            let p = &e.profile;
            assert!(NationalId::parse(p.national_id.as_str()).is_ok());
            for part in [&p.name_ar.first, &p.name_ar.father, &p.name_ar.grandfather, &p.name_ar.family] {
                assert!(part.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)), "{part}");
            }
            assert!(p.mobile.starts_with("+9665") && p.mobile.len() == 13, "{}", p.mobile);
            assert_eq!(p.address.postal_code.len(), 5);
            assert_eq!(p.address.building_number.len(), 4);
            assert_eq!(p.address.additional_number.len(), 4);

            let events = &e.employment_events;
            assert!((5..=30).contains(&events.len()), "{} events (seed {seed})", events.len());
            assert_eq!(events[0].kind, EmploymentEventKind::Appointment);
            assert_eq!(p.appointment_date, events[0].date);
            assert!(events.windows(2).all(|w| w[0].date < w[1].date), "events in date order");
            assert!(
                events.iter().all(|ev| ev.date < today || ev.kind == EmploymentEventKind::LeaveWithoutPay)
            );
            assert_eq!(events.iter().filter(|ev| ev.kind == EmploymentEventKind::LeaveWithoutPay).count(), 1);
            let last = events.last().unwrap();
            assert_eq!((p.rank, p.step, p.entity.as_str()), (last.rank, last.step, last.entity.as_str()));

            assert!((2..=3).contains(&e.qualifications.len()));
            let states: HashSet<_> = e.qualifications.iter().map(|q| q.status).collect();
            assert!(states.len() >= 2, "qualifications in different states (seed {seed})");
            for q in &e.qualifications {
                assert!(q.gpa > 0.0 && q.gpa <= f32::from(q.gpa_scale));
                assert_eq!(q.rejection_reason.is_some(), q.status == QualificationStatus::Rejected);
            }
            assert!(!e.transactions.is_empty());
            assert!(
                e.sick_leaves.iter().all(|s| s.leave_number.starts_with("GSL") && s.end_date >= s.start_date)
            );
        }
        assert!(!data.employees[0].sick_leaves.is_empty());
        assert!(data.opportunities.len() >= 10);
        assert!(data.opportunities.iter().any(|o| o.kind == OpportunityKind::Scholarship));
        assert!(data.opportunities.iter().all(|o| o.application_deadline < o.start_date));
        // Whatever the day, there are opportunities still open to apply to.
        assert!(
            data.opportunities.iter().filter(|o| o.application_deadline >= today).count() >= 5,
            "{today}"
        );
    }
}

#[test]
fn all_three_review_states_appear() {
    let data = generate(1448, as_of());
    let states: HashSet<_> =
        data.employees.iter().flat_map(|e| e.qualifications.iter().map(|q| q.status)).collect();
    assert_eq!(states.len(), 3);
}

/// The same people on any day, every date as far from that day as from the fixed one.
#[test]
fn a_year_later_the_same_people_with_every_date_a_year_later() {
    let today = date(2027, 11, 1);
    let (then, later) = (generate(1448, as_of()), generate(1448, today));
    let days = (today - as_of()).num_days();
    let moved = |a: NaiveDate, b: NaiveDate| (b - a).num_days() == days;
    for (a, b) in
        then.employees.iter().chain([&then.hr_officer]).zip(later.employees.iter().chain([&later.hr_officer]))
    {
        assert_eq!(
            (&a.profile.national_id, &a.profile.name_ar),
            (&b.profile.national_id, &b.profile.name_ar)
        );
        assert!(moved(a.profile.birth_date, b.profile.birth_date));
        assert!(moved(a.profile.appointment_date, b.profile.appointment_date));
        for (x, y) in a.employment_events.iter().zip(&b.employment_events) {
            assert!(moved(x.date, y.date) && x.kind == y.kind);
            assert_eq!(y.decision_number.split('/').next(), Some((y.date.year() - 579).to_string().as_str()));
        }
        for (x, y) in a.sick_leaves.iter().zip(&b.sick_leaves) {
            assert!(moved(x.start_date, y.start_date) && moved(x.end_date, y.end_date) && x.days == y.days);
        }
        for (x, y) in a.qualifications.iter().zip(&b.qualifications) {
            assert!(moved(x.graduation_date, y.graduation_date) && x.status == y.status);
        }
        for (x, y) in a.transactions.iter().zip(&b.transactions) {
            assert!(moved(x.date, y.date) && x.incoming_number == y.incoming_number);
        }
    }
    for (x, y) in then.opportunities.iter().zip(&later.opportunities) {
        assert!(moved(x.application_deadline, y.application_deadline) && moved(x.start_date, y.start_date));
    }
}
