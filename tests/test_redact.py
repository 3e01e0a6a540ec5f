"""What of an address or an error text may be shown (tracker.redact): the token of a webhook or
an Apprise URL never, the destination's host only where it is a web server's."""

from __future__ import annotations

import pytest

from tracker.redact import address_outline, mask_address, mask_secrets, mask_url

LINE_USER = "U" + "0123456789abcdef" * 2

# (channel, stored address, what a listing shows)
MASKED_ADDRESSES = [
    ("email", "saraban@phrae.go.th", "saraban@phrae.go.th"),
    ("file", "แพร่/เลขานุการ", "แพร่/เลขานุการ"),
    ("line", LINE_USER, LINE_USER),
    ("line", "C" + "f" * 32, "C" + "f" * 32),
    ("line", "R" + "9" * 32, "R" + "9" * 32),
    ("line", "SECRET-not-an-id", "the address (16 characters)"),
    ("line", "U" + "A" * 32, "the address (33 characters)"),  # upper-case hex: no LINE id
    (
        "webhook",
        "https://hooks.slack.com/services/T000/B000/SECRET",
        "https://hooks.slack.com/***",
    ),
    ("webhook", "https://example.go.th:8443/hook?token=SECRET", "https://example.go.th:8443/***"),
    ("webhook", "https://example.go.th?SECRET", "https://example.go.th/***"),
    ("webhook", "https://example.go.th#SECRET", "https://example.go.th/***"),
    ("webhook", "http://[::1]:8080/SECRET", "http://[::1]:8080/***"),
    ("webhook", "HTTPS://Example.go.th/SECRET", "HTTPS://Example.go.th/***"),
    ("webhook", "https://example.go.th", "https://example.go.th"),  # a bare host hides nothing
    ("webhook", "https://example.go.th/", "https://example.go.th/"),
    ("webhook", "https://user:SECRET@example.go.th/", "https://***@example.go.th/"),
    ("webhook", "https://a@SECRET@example.go.th/x", "https://***@example.go.th/***"),
    ("apprise", "line://SECRETTOKEN/" + LINE_USER, "line://***"),
    ("apprise", "tgram://123456:SECRET/-100200300", "tgram://***"),
    ("apprise", "mailto://user:SECRET@gmail.com", "mailto://***"),
    ("apprise", "json://hooks.example.go.th:8080/x/SECRET", "json://hooks.example.go.th:8080/***"),
    ("apprise", "jsons://u:SECRET@hooks.example.go.th/x", "jsons://***@hooks.example.go.th/***"),
    ("apprise", "xmls://hooks.example.go.th", "xmls://hooks.example.go.th"),
    ("apprise", "form://[fd00::1]/SECRET", "form://[fd00::1]/***"),
    ("apprise", "https://discord.com/api/webhooks/1/SECRET", "https://discord.com/***"),
    ("apprise", "SECRET pasted without a scheme", "the address (30 characters)"),
    ("sms", "+66SECRET", "the address (9 characters)"),  # a channel it does not know
]


@pytest.mark.parametrize(("channel", "address", "shown"), MASKED_ADDRESSES)
def test_mask_address_shows_what_names_the_destination_and_never_a_token(
    channel: str, address: str, shown: str
) -> None:
    assert mask_address(channel, address) == shown
    if "SECRET" in address and address != shown:
        assert "SECRET" not in shown


# (error text, as stored and printed)
MASKED_TEXTS = [
    (
        "HTTP 404 Not Found from https://hooks.example.go.th/hook/SECRET.",
        "HTTP 404 Not Found from https://hooks.example.go.th/***.",
    ),
    (
        "cannot reach http://127.0.0.1:8080/x/SECRET?token=SECRET: [Errno 111] refused",
        "cannot reach http://127.0.0.1:8080/***: [Errno 111] refused",
    ),
    (
        "Apprise could not deliver to 'line://SECRETTOKEN/Uabc'",
        "Apprise could not deliver to 'line://***'",
    ),
    ('see "jsons://hooks.example.go.th/SECRET"', 'see "jsons://hooks.example.go.th/***"'),
    ("(see https://example.go.th/docs/SECRET)", "(see https://example.go.th/***)"),
    ("at http://[::1]:8080]", "at http://[::1]:8080]"),
    ("ส่งไม่ได้https://example.go.th/SECRET", "ส่งไม่ได้https://example.go.th/***"),  # no space
    (
        "two: https://a.go.th/SECRET and tgram://SECRET/1",
        "two: https://a.go.th/*** and tgram://***",
    ),
    (
        "postgresql+psycopg://tracker:SECRET@db.internal/ita is down",
        "postgresql+psycopg://*** is down",
    ),
    ("Authorization: Bearer SECRET.abc-DEF_~+/==", "Authorization: Bearer ***"),
    ("401: bearer SECRETtoken rejected", "401: bearer *** rejected"),
    ("[Errno 111] Connection refused", "[Errno 111] Connection refused"),
    ("ไม่มีที่ว่างบนดิสก์", "ไม่มีที่ว่างบนดิสก์"),
    ("https://example.go.th", "https://example.go.th"),
]


@pytest.mark.parametrize(("text", "shown"), MASKED_TEXTS)
def test_mask_secrets_reduces_every_url_and_bearer_token_in_an_error_text(
    text: str, shown: str
) -> None:
    assert mask_secrets(text) == shown
    assert "SECRET" not in shown
    assert mask_secrets(shown) == shown  # masking twice changes nothing


def test_mask_secrets_hides_a_url_password_even_in_a_scheme_it_shows_the_host_of() -> None:
    shown = mask_secrets("GET https://admin:SECRET@portal.go.th failed")
    assert shown == "GET https://***@portal.go.th failed"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("postgresql://u:SECRET@h/db", "postgresql://u:***@h/db"),
        ("sqlite:///tmp/tracker.db", "sqlite:///tmp/tracker.db"),
        ("a https://u:SECRET@h/x b", "a https://u:***@h/x b"),
    ],
)
def test_mask_url_still_hides_only_the_password(text: str, shown: str) -> None:
    assert mask_url(text) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://hooks.example.go.th/SECRET", "https://hooks.example.go.th/…"),
        ("https://u:SECRET@h.go.th:8443/x", "https://h.go.th:8443/…"),
        ("https://a@SECRET@h.go.th/x", "https://h.go.th/…"),  # the last "@" ends the userinfo
        ("https://h.go.th", "https://h.go.th"),
        ("SECRET-TOKEN", "the address (12 characters)"),
    ],
)
def test_address_outline_keeps_the_scheme_and_host_only(text: str, shown: str) -> None:
    assert address_outline(text) == shown
