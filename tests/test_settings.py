"""Settings read at the edge: secrets from files, per-channel settings for any registered
transport, and nothing secret in a repr or an error line."""

from __future__ import annotations

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
