from datetime import UTC, date, datetime

from legalaid import formatting as f

LA = "America/Los_Angeles"


def test_long_dates_in_rae_and_us_style() -> None:
    day = date(2024, 5, 28)
    assert f.long_date(day, "es") == "martes, 28 de mayo de 2024"
    assert f.long_date(day, "en") == "Tuesday, May 28, 2024"
    assert f.medium_date(day, "es") == "28 de mayo de 2024"
    assert f.medium_date(day, "en") == "May 28, 2024"


def test_times_are_court_local_with_a_named_zone() -> None:
    summer = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # after the March 8 change: PDT
    assert f.clock(summer, LA, "es") == "4:00 a. m."
    assert f.clock(summer, LA, "en") == "4:00 AM"
    assert f.clock_24h(summer, LA) == "04:00 h"
    assert f.zone_name(summer, LA, "es") == "hora de verano del Pacífico"
    assert f.zone_name(summer, LA, "en") == "Pacific Daylight Time"
    winter = datetime(2026, 1, 13, 16, 30, tzinfo=UTC)
    assert f.clock_with_zone(winter, LA, "en") == "8:30 AM (Pacific Standard Time)"
    assert f.clock(datetime(2026, 1, 13, 21, 15, tzinfo=UTC), LA, "es") == "1:15 p. m."


def test_same_instant_in_other_zones() -> None:
    instant = datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
    assert f.clock(instant, "America/Chicago", "en") == "8:00 AM"
    assert f.clock(instant, "America/Denver", "en") == "7:00 AM"
    assert f.clock(instant, "America/Phoenix", "en") == "6:00 AM"


def test_country_and_language_names_follow_the_interface_language() -> None:
    assert f.country_name("HN", "es") == "Honduras"
    assert f.country_name("GT", "en") == "Guatemala"
    assert f.country_name("MX", "es") == "México"
    assert f.language_name("es", "en") == "Spanish"
    assert f.number(100000, "es") == "100,000"
