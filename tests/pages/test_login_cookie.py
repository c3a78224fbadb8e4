"""The login cookie's script: what ``document.cookie`` receives, and what it refuses to write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from access_ui.login_cookie import cookie_header, script


def test_the_cookie_has_its_utc_expiry_path_samesite_and_secure_when_asked():
    paris_summer = timezone(timedelta(hours=2))
    expires = datetime(2026, 7, 3, 20, 30, 5, tzinfo=paris_summer)

    header = cookie_header("acces_apprenants_auth", "aa.bb-c_d", expires, secure=True)

    assert header == (
        "acces_apprenants_auth=aa.bb-c_d; expires=Fri, 03 Jul 2026 18:30:05 GMT; path=/; "
        "SameSite=Strict; Secure"
    )
    assert "Secure" not in cookie_header("n", "v", expires, secure=False)


def test_deleting_writes_an_empty_value_that_expired_in_1970():
    header = cookie_header(
        "acces_apprenants_auth", "", datetime(1970, 1, 1, tzinfo=UTC), secure=False
    )

    assert header.startswith("acces_apprenants_auth=; expires=Thu, 01 Jan 1970 00:00:00 GMT;")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("n", "</script><script>alert(1)</script>"),
        ("n", "a; Domain=evil.example"),
        ("n", 'a"b'),
        ("a b", "v"),
        ("", "v"),
        ("n;x", "v"),
    ],
)
def test_anything_but_url_safe_tokens_is_refused(name, value):
    with pytest.raises(ValueError, match="URL-safe"):
        cookie_header(name, value, datetime(2030, 1, 1, tzinfo=UTC), secure=False)


def test_a_naive_expiry_is_refused():
    with pytest.raises(ValueError, match="aware"):
        cookie_header("n", "v", datetime(2030, 1, 1), secure=False)  # noqa: DTZ001


def test_the_script_writes_unconditionally_or_only_over_the_same_cookie_and_removes_itself():
    header = cookie_header("n", "", datetime(1970, 1, 1, tzinfo=UTC), secure=False)

    always = script(header)
    only = script(header, "n=aa.bb")

    assert "const only = null;" in always
    assert 'const only = "n=aa.bb";' in only
    assert 'document.cookie.split("; ").includes(only)' in only
    assert only.startswith("<script data-login-cookie>")
    assert 'querySelectorAll("script[data-login-cookie]")' in only
    assert only.count("</script>") == 1  # nothing closes the element early
