"""The refusal of private destinations (tracker.notify.guard), through the webhook
transport and on its own: which addresses are public, and how names are resolved.

The receiving end is an http.server on 127.0.0.1 (tests/notify_web_support.py); the refusals of
other private addresses (10.0.0.1, 169.254.169.254, …) happen before any connection, so nothing
leaves the machine. tests/conftest.py allows private destinations for the whole session: every
test here says which it wants.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from notify_web_support import (
    MESSAGE,
    TOKEN,
    Sink,
    sink_fixture,  # noqa: F401
    webhook,
)

from tracker.notify import NotifySettings, PermanentFailure, TemporaryFailure, transport_for
from tracker.notify.guard import ALLOW_SETTING, check_public_destination, is_public_address

# --- private destinations -----------------------------------------------------------------------

REFUSED = [
    "http://127.0.0.1:{port}/hook",
    "http://[::1]:{port}/hook",
    "http://localhost:{port}/hook",
    "http://[::ffff:127.0.0.1]:{port}/hook",
    "http://2130706433:{port}/hook",  # 127.0.0.1 as one number, which the resolver reads
    "http://0.0.0.0:{port}/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/hook",
    "http://172.16.5.4/hook",
    "http://192.168.1.1/hook",
    "http://100.64.0.1/hook",
    "http://[fd00::1]/hook",
    "http://[fe80::1]/hook",
    "https://[64:ff9b::a9fe:a9fe]/hook",  # 169.254.169.254 through NAT64
]


@pytest.mark.parametrize("template", REFUSED)
def test_a_webhook_to_a_private_address_is_refused_before_connecting(
    sink: Sink, template: str
) -> None:
    address = template.format(port=sink.port) + f"/{TOKEN}?token={TOKEN}"
    with pytest.raises(PermanentFailure) as refused:
        webhook(allow_private=False).send(address, MESSAGE)
    reason = str(refused.value)
    assert "private network" in reason
    assert ALLOW_SETTING in reason
    assert TOKEN not in reason
    assert "hook" not in reason
    assert sink.received == []


def test_the_setting_reaches_the_transport_and_allows_the_local_server(
    sink: Sink, tmp_path: Path
) -> None:
    refusing = transport_for("webhook", NotifySettings(outbox_dir=tmp_path))
    with pytest.raises(PermanentFailure, match="private network"):
        refusing.send(sink.url("/hook"), MESSAGE)
    assert sink.received == []

    allowing = NotifySettings(outbox_dir=tmp_path, allow_private_destinations=True)
    transport_for("webhook", allowing).send(sink.url("/hook"), MESSAGE)
    transport_for("webhook", allowing).send(sink.url("/named", host="localhost"), MESSAGE)
    assert sink.paths() == ["/hook", "/named"]


def test_a_name_is_refused_when_any_address_it_resolves_to_is_private(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = {"mixed.example.go.th": ["93.184.216.34", "10.1.2.3", "8.8.8.8"]}

    def resolve(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(PermanentFailure) as refused:
        check_public_destination("mixed.example.go.th", 443, allow_private=False)
    assert "mixed.example.go.th:443 is on a private network" in str(refused.value)
    assert "10.1.2.3 (private)" in str(refused.value)

    answers["public.example.go.th"] = ["93.184.216.34"]
    check_public_destination("public.example.go.th", 443, allow_private=False)


def test_a_name_that_does_not_resolve_is_a_temporary_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_answer(*args: Any, **kwargs: Any) -> list[Any]:
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", no_answer)
    with pytest.raises(TemporaryFailure, match=r"cannot resolve hooks\.example\.go\.th:443"):
        webhook(allow_private=False).send(f"https://hooks.example.go.th/{TOKEN}", MESSAGE)


@pytest.mark.parametrize(
    "literal", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "[2001:4860::8888]"]
)
def test_a_public_literal_passes_the_guard(literal: str) -> None:
    check_public_destination(literal, 443, allow_private=False)  # no DNS: a literal


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "8.8.8.8",
        "1.1.1.1",
        "2606:2800:220:1:248:1893:25c8:1946",
        "::ffff:93.184.216.34",
        "64:ff9b::5db8:d822",  # 93.184.216.34 through NAT64
        "2002:5db8:d822::1",  # and through 6to4
    ],
)
def test_public_addresses(address: str) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "0.0.0.0",
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.254",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",  # shared address space (carrier-grade NAT)
        "192.0.2.1",  # documentation
        "198.18.0.1",  # benchmarking
        "224.0.0.1",  # multicast
        "239.255.255.250",
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "::",
        "::1",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "fd12:3456:789a::1",
        "fec0::1",  # site-local (deprecated, still not public)
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",  # IPv4-compatible (deprecated)
        "64:ff9b::7f00:1",  # 127.0.0.1 through NAT64
        "64:ff9b:1::1",  # a site's own NAT64
        "2002:7f00:1::",  # 127.0.0.1 through 6to4
        "2002:a00:1::",  # 10.0.0.1 through 6to4
        "2001:db8::1",  # documentation
    ],
)
def test_addresses_that_are_not_public(address: str) -> None:
    assert not is_public_address(address)


def test_is_public_address_refuses_what_is_no_address() -> None:
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 address"):
        is_public_address("example.go.th")
