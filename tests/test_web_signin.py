"""Signing in: cookies, the login form's CSRF secret, the rate limit, disabled accounts, and
where the browser goes afterwards."""

from __future__ import annotations

from datetime import timedelta

from web_support import (  # noqa: F401
    ACCOUNTS,
    PASSWORD,
    PRODUCTION_HASHER,
    Site,
    csrf_of,
    login,
    site_fixture,
)

from tracker.models import Role
from tracker.services import access
from tracker.web.auth import SESSION_COOKIE


def test_a_good_password_opens_a_session_in_a_locked_down_cookie(site: Site) -> None:
    client = site.anonymous()
    response = login(client, ACCOUNTS[Role.SECRETARIAT], PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for flag in ("HttpOnly", "Secure", "SameSite=lax"):
        assert flag.lower() in cookie.lower(), cookie


def test_a_unit_head_goes_to_the_unit_page(site: Site) -> None:
    response = login(site.anonymous(), ACCOUNTS[Role.UNIT], PASSWORD)
    assert response.headers["location"] == "/unit"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(site: Site) -> None:
    wrong_password = login(site.anonymous(), ACCOUNTS[Role.ADMIN], "not the password at all")
    no_such_user = login(site.anonymous(), "nobody", "not the password at all")
    assert wrong_password.status_code == no_such_user.status_code == 401
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in wrong_password.text
    assert SESSION_COOKIE not in wrong_password.headers.get("set-cookie", "")


def test_the_login_form_needs_its_own_secret(site: Site) -> None:
    client = site.anonymous()
    client.get("/login")
    forged = client.post(
        "/login", data={"username": ACCOUNTS[Role.ADMIN], "password": PASSWORD, "csrf": "x"}
    )
    assert forged.status_code == 403
    assert SESSION_COOKIE not in forged.headers.get("set-cookie", "")


def test_five_failures_lock_the_username_for_a_while(site: Site) -> None:
    username = ACCOUNTS[Role.ADMIN]
    for _ in range(access.LOGIN_FAILURES_PER_USER):
        assert login(site.anonymous(), username, "wrong wrong wrong").status_code == 401
    locked = login(site.anonymous(), username, PASSWORD)
    assert locked.status_code == 429
    assert "15" in locked.text
    other = login(site.anonymous(), ACCOUNTS[Role.VIEWER], PASSWORD)
    assert other.status_code == 303  # another username (same address) is not locked yet
    site.at(site.now + access.LOGIN_WINDOW + timedelta(seconds=1))
    assert login(site.anonymous(), username, PASSWORD).status_code == 303


def test_many_failures_from_one_address_lock_it(site: Site) -> None:
    for n in range(access.LOGIN_FAILURES_PER_ADDRESS):
        login(site.anonymous(), f"guess{n}", "wrong wrong wrong")
    assert login(site.anonymous(), ACCOUNTS[Role.VIEWER], PASSWORD).status_code == 429


def test_disabling_an_account_ends_its_sessions(site: Site) -> None:
    client = site.client(Role.SECRETARIAT)
    assert client.get("/unit").status_code == 403  # signed in (a secretariat is no unit)
    with site.session() as session:
        access.set_disabled(session, access.get_user(session, ACCOUNTS[Role.SECRETARIAT]), True)
    assert client.get("/unit").status_code == 303  # to the login page: the session is gone
    assert login(site.anonymous(), ACCOUNTS[Role.SECRETARIAT], PASSWORD).status_code == 401


def test_a_session_expires(site: Site) -> None:
    client = site.client(Role.UNIT)
    assert client.get("/unit").status_code == 200
    site.at(site.now + access.USER_SESSION + timedelta(minutes=1))
    assert client.get("/unit").status_code == 303


def test_after_signing_in_the_browser_goes_back_only_to_this_site(site: Site) -> None:
    client = site.anonymous()
    asked = client.get("/unit")
    assert asked.headers["location"] == "/login?next=/unit"
    page = client.get("/login?next=/unit")
    response = client.post(
        "/login",
        data={
            "username": ACCOUNTS[Role.UNIT],
            "password": PASSWORD,
            "csrf": csrf_of(page.text),
            "next": "/unit",
        },
    )
    assert response.headers["location"] == "/unit"
    other = site.anonymous()
    page = other.get("/login")
    response = other.post(
        "/login",
        data={
            "username": ACCOUNTS[Role.UNIT],
            "password": PASSWORD,
            "csrf": csrf_of(page.text),
            "next": "//evil.example/",
        },
    )
    assert response.headers["location"] == "/unit"


def test_english_is_one_switch_away_and_remembered(site: Site) -> None:
    client = site.unit_client()
    assert "งานของหน่วยงาน" in client.get("/unit").text
    switched = client.get("/lang/en?back=/unit")
    assert switched.headers["location"] == "/unit"
    assert "Your unit&#39;s tasks" in client.get("/unit").text  # the apostrophe, escaped
    assert "Sign out" in client.get("/unit").text


def test_the_api_answers_401_in_json_without_a_token(site: Site) -> None:
    response = site.anonymous().get("/api/v1/tasks")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_signed_in"
    bad = site.anonymous().get("/api/v1/tasks", headers={"authorization": "Bearer tk_nope"})
    assert bad.status_code == 401


def test_a_lang_query_is_remembered_for_the_next_pages(site: Site) -> None:
    client = site.unit_client()
    first = client.get("/unit?lang=en")
    assert "lang=en" in first.headers["set-cookie"]
    assert "Your unit" in client.get("/unit").text  # no ?lang= this time: the cookie holds it
    assert "lang=" not in client.get("/unit").headers.get("set-cookie", "")


def test_passwords_are_stored_as_argon2id_at_the_products_cost() -> None:
    stored = PRODUCTION_HASHER.hash(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # pwdlib's recommended
    assert PASSWORD not in stored
    assert PRODUCTION_HASHER.verify(PASSWORD, stored)
    assert not PRODUCTION_HASHER.verify(PASSWORD + "x", stored)
