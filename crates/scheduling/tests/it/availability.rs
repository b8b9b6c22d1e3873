use chrono::Weekday;
use scheduling::{Availability, ScheduleError, Window, WindowInput, WindowKind};

fn input(weekday: &str, start: &str, end: &str, kind: WindowKind) -> WindowInput {
    WindowInput {
        weekday: weekday.into(),
        start: start.into(),
        end: end.into(),
        kind,
    }
}

#[test]
fn a_window_ending_before_it_starts_names_the_field() {
    let err = Availability::parse(
        "Africa/Lagos",
        &[
            input("Mon", "18:00", "21:00", WindowKind::Preferred),
            input("Tue", "18:00", "21:00", WindowKind::Preferred),
            input("Wed", "21:00", "18:00", WindowKind::Possible),
        ],
    )
    .unwrap_err();
    assert_eq!(err.field(), "availability[2].end");
    assert!(matches!(err, ScheduleError::WindowEndsBeforeStart { .. }));
    let message = err.to_string();
    assert!(
        message.starts_with("availability[2].end: the window ends at 18:00"),
        "{message}"
    );
    assert!(message.contains("split into two at 00:00"), "{message}");

    // Equal start and end is empty, so also rejected.
    let err = Window::hm(Weekday::Mon, (9, 0), (9, 0), WindowKind::Possible).unwrap_err();
    assert_eq!(err.field(), "end");
}

#[test]
fn an_unknown_zone_names_the_field() {
    let err = Availability::parse("Africa/Benin_City", &[]).unwrap_err();
    assert_eq!(err.field(), "time_zone");
    assert_eq!(
        err.to_string(),
        "time_zone: 'Africa/Benin_City' is not an IANA time zone like Africa/Lagos"
    );
    // The app shows domain::FieldError; the field survives the conversion.
    let field: domain::FieldError = err.into();
    assert_eq!(field.field, "time_zone");
    assert!(field.message.starts_with("'Africa/Benin_City' is not"));
}

#[test]
fn bad_weekdays_and_times_name_the_field() {
    let err = Availability::parse(
        "Europe/London",
        &[input("Funday", "18:00", "21:00", WindowKind::Preferred)],
    )
    .unwrap_err();
    assert_eq!(err.field(), "availability[0].weekday");
    let err = Availability::parse(
        "Europe/London",
        &[
            input("Mon", "18:00", "21:00", WindowKind::Preferred),
            input("tuesday", "7pm", "21:00", WindowKind::Preferred),
        ],
    )
    .unwrap_err();
    assert_eq!(err.field(), "availability[1].start");
}

#[test]
fn midnight_as_end_means_end_of_day() {
    let a = Availability::parse(
        "America/Toronto",
        &[
            input("Friday", "22:00", "24:00", WindowKind::Possible),
            input("sat", "00:00", "01:00", WindowKind::Possible),
            input("Sun", "20:00", "00:00", WindowKind::Possible),
        ],
    )
    .unwrap();
    assert_eq!(a.windows().len(), 3);
    assert_eq!(a.windows()[0].end(), chrono::NaiveTime::MIN);
    assert_eq!(a.zone().as_str(), "America/Toronto");
}
