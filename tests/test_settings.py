"""Settings read at the edge: secrets from files, per-channel settings for any registered
transport, and nothing secret in a repr or an error line."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tracker.config import Settings, channel_variables, load_settings
from tracker.errors import InvalidInput
from tracker.notify import CHANNELS


def test_a_channel_reads_its_own_prefixed_variables_and_no_other():
    environ = {
        "TRACKER_WEBHOOK_SIGNING_KEY": "k1",
        "TRACKER_WEBHOOK_": "no field name",
        "TRACKER_APPRISE_TAG": "ita",
        "TRACKER_SMTP_HOST": "mail.example",  # a typed setting, not a channel's
        "TRACKER_FAX_NUMBER": "053-511-000",  # no such channel
        "OTHER_WEBHOOK_URL": "x",
    }
    assert channel_variables(environ) == {
        "webhook": {"signing_key": "k1"},
        "apprise": {"tag": "ita"},
    }


def test_a_channel_setting_read_from_a_file_wins_over_the_plain_variable(tmp_path: Path):
    token = tmp_path / "token"
    token.write_text("from-the-file\n", encoding="utf-8")
    environ = {"TRACKER_WEBHOOK_TOKEN": "plain", "TRACKER_WEBHOOK_TOKEN_FILE": str(token)}
    assert channel_variables(environ) == {"webhook": {"token": "from-the-file"}}


def test_an_unreadable_channel_file_names_the_variable_and_not_a_value(tmp_path: Path):
    missing = tmp_path / "nothing-here"
    with pytest.raises(InvalidInput) as raised:
        channel_variables({"TRACKER_WEBHOOK_TOKEN_FILE": str(missing)})
    assert str(raised.value) == (
        f"TRACKER_WEBHOOK_TOKEN_FILE: cannot read {missing}: No such file or directory"
    )


def test_the_transports_see_channel_settings_through_notify_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_WEBHOOK_SIGNING_KEY", "s3cr3t-value")
    notify = load_settings().notify(outbox_dir=tmp_path)
    assert notify.channel("webhook") == {"signing_key": "s3cr3t-value"}
    assert notify.channel("apprise") == {}
    assert "s3cr3t-value" not in repr(notify)


def test_a_new_channel_gets_its_settings_without_a_config_edit(monkeypatch, tmp_path):
    """A channel registered after tracker.config was written still has its variables read."""
    monkeypatch.setattr("tracker.config.CHANNELS", (*CHANNELS, "line-bot"))
    monkeypatch.setenv("TRACKER_LINE_BOT_CHANNEL_TOKEN", "t0ken")
    assert load_settings().notify(outbox_dir=tmp_path).channel("line-bot") == {
        "channel_token": "t0ken"
    }


def test_a_variable_belongs_to_the_channel_with_the_longest_fitting_prefix(monkeypatch):
    monkeypatch.setattr("tracker.config.CHANNELS", (*CHANNELS, "line", "line-bot"))
    environ = {"TRACKER_LINE_TOKEN": "for-line", "TRACKER_LINE_BOT_TOKEN": "for-the-bot"}
    assert channel_variables(environ) == {
        "line": {"token": "for-line"},
        "line-bot": {"token": "for-the-bot"},
    }


def test_secrets_stay_out_of_the_settings_repr():
    settings = Settings(
        database_url="postgresql+psycopg://ita:pa55word@db/ita",
        smtp_password="mail-pa55",
        channel_settings={"webhook": {"token": "hook-t0ken"}},
    )
    shown = repr(settings) + str(settings)
    for secret in ("pa55word", "mail-pa55", "hook-t0ken"):
        assert secret not in shown


def test_a_channel_file_that_is_not_utf8_is_named_without_its_bytes(tmp_path: Path):
    token = tmp_path / "token"
    token.write_bytes(b"\xff\xfesecret")
    with pytest.raises(InvalidInput) as raised:
        channel_variables({"TRACKER_WEBHOOK_TOKEN_FILE": str(token)})
    assert str(raised.value) == f"TRACKER_WEBHOOK_TOKEN_FILE: cannot read {token}: not UTF-8 text"


# --- reading the environment (tracker.config.load_settings) -------------------------------------


def _clean_environment(monkeypatch: pytest.MonkeyPatch, **variables: str) -> None:
    """The process environment with no TRACKER_* variable but ``variables``."""
    for name in list(os.environ):
        if name.upper().startswith("TRACKER_"):
            monkeypatch.delenv(name)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)


def test_variables_become_typed_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    _clean_environment(
        monkeypatch,
        TRACKER_SMTP_PORT="2525",
        TRACKER_SMTP_STARTTLS="yes",
        TRACKER_REPORT_PDF_IN_MAIL="off",
        TRACKER_SEND_TIMEOUT="12.5",
        TRACKER_NOW="2022-11-02T09:00:00+07:00",
        TRACKER_OUTBOX_DIR=str(tmp_path),
        TRACKER_LANG="en",
    )
    settings = load_settings()
    assert settings.smtp_port == 2525
    assert settings.smtp_starttls is True
    assert settings.report_pdf_in_mail is False
    assert settings.send_timeout == 12.5
    assert settings.now == datetime(2022, 11, 2, 2, 0, tzinfo=UTC)
    assert settings.outbox_dir == tmp_path
    assert settings.lang == "en"


def test_names_ignore_case_and_an_empty_variable_is_unset(monkeypatch: pytest.MonkeyPatch):
    _clean_environment(monkeypatch, tracker_lang="en", TRACKER_OUTBOX_DIR="")
    settings = load_settings()
    assert settings.lang == "en"
    assert settings.outbox_dir is None  # not Path(""), the current folder


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TRACKER_SMTP_PORT", "twenty-five", "TRACKER_SMTP_PORT: must be a whole number"),
        ("TRACKER_SMTP_PORT", "70000", "TRACKER_SMTP_PORT: must be at most 65535"),
        ("TRACKER_SEND_TIMEOUT", "0", "TRACKER_SEND_TIMEOUT: must be greater than 0"),
        ("TRACKER_DISPATCH_THREADS", "0", "TRACKER_DISPATCH_THREADS: must be at least 1"),
        ("TRACKER_SMTP_TLS", "maybe", "TRACKER_SMTP_TLS: must be true or false"),
        ("TRACKER_LANG", "fr", "TRACKER_LANG: 'fr': choose one of th, en"),
        ("TRACKER_TIMEZONE", "Mars/Olympus", "TRACKER_TIMEZONE: unknown timezone 'Mars/Olympus'"),
        (
            "TRACKER_NOW",
            "2022-11-02T09:00",
            "TRACKER_NOW: needs a timezone, e.g. 2022-11-02T09:00:00+07:00",
        ),
        (
            "TRACKER_NOW",
            "next Tuesday",
            "TRACKER_NOW: must be a date and time like 2022-11-02T09:00:00+07:00",
        ),
        (
            "TRACKER_PUBLIC_URL",
            "ita.example",
            "TRACKER_PUBLIC_URL: must be an http:// or https:// address",
        ),
        (
            "TRACKER_DEADLINE_ALERT_DAYS",
            "7;1",
            "TRACKER_DEADLINE_ALERT_DAYS: '7;1' is not a list of days like 7,1",
        ),
    ],
)
def test_a_bad_value_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
):
    _clean_environment(monkeypatch, **{variable: value})
    with pytest.raises(InvalidInput) as raised:
        load_settings()
    assert str(raised.value) == message


def test_a_secret_in_a_bad_value_is_not_repeated(monkeypatch: pytest.MonkeyPatch):
    _clean_environment(monkeypatch, TRACKER_SMTP_PORT="hunter2-secret")
    with pytest.raises(InvalidInput) as raised:
        load_settings()
    assert "hunter2" not in str(raised.value)


def test_a_copy_with_changes_is_checked_like_a_new_one():
    settings = Settings()
    assert settings.replace(lang="en").lang == "en"
    with pytest.raises(ValueError, match="choose one of th, en"):
        settings.replace(lang="de")
