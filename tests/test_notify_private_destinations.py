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
    Resolver,
    Sink,
    serving,
    sink_fixture,  # noqa: F401
    webhook,
)

from tracker.notify import NotifySettings, PermanentFailure, TemporaryFailure, guard, transport_for
from tracker.notify.guard import (
    ALLOW_SETTING,
    check_public_destination,
    is_public_address,
    public_addresses,
)

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


def test_public_addresses_resolves_once_and_gives_the_answers_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    v6 = "2606:2800:220:1:248:1893:25c8:1946"
    resolver = Resolver(
        monkeypatch,
        {
            "hooks.example.go.th": [["93.184.216.34", v6, "93.184.216.34"]],
            "lan.test": [["10.0.0.7"]],
        },
    )
    assert public_addresses("hooks.example.go.th", 443, allow_private=False) == [
        "93.184.216.34",
        v6,
    ]
    assert resolver.asked == ["hooks.example.go.th"]
    # Allowed, a private answer is given too: the connection still goes where the lookup said.
    assert public_addresses("lan.test", 80, allow_private=True) == ["10.0.0.7"]
    with pytest.raises(PermanentFailure, match=r"lan\.test:80 .* 10\.0\.0\.7 \(private\)"):
        public_addresses("lan.test", 80, allow_private=False)
    # The check alone resolves nothing when private destinations are allowed (Apprise's case).
    check_public_destination("lan.test", 80, allow_private=True)
    assert resolver.asked == ["hooks.example.go.th", "lan.test", "lan.test"]


def test_public_addresses_needs_an_answer_even_when_private_ones_are_allowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_answer(*args: Any, **kwargs: Any) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_answer)
    with pytest.raises(TemporaryFailure, match=r"cannot resolve gone\.test:80"):
        public_addresses("gone.test", 80, allow_private=True)


# --- DNS rebinding: the connection goes where the check looked ----------------------------------
# The name first resolves to 127.0.0.2, which these tests have the guard count as public (a
# public address would leave the machine), then to 127.0.0.1, the sink: a transport resolving
# the name again to connect would reach the sink.


@pytest.fixture
def rebinding(monkeypatch: pytest.MonkeyPatch) -> Resolver:
    real = guard.is_public_address
    monkeypatch.setattr(guard, "is_public_address", lambda ip: str(ip) == "127.0.0.2" or real(ip))
    return Resolver(monkeypatch, {"rebind.test": [["127.0.0.2"], ["127.0.0.1"]]})


def test_a_name_answering_otherwise_after_the_check_reaches_only_the_checked_address(
    sink: Sink, rebinding: Resolver
) -> None:
    address = f"http://rebind.test:{sink.port}/hook/{TOKEN}"
    with serving("127.0.0.2", sink.port) as checked:
        webhook(allow_private=False).send(address, MESSAGE)
        assert checked.paths() == [f"/hook/{TOKEN}"]
        assert checked.received[0].headers["Host"] == f"rebind.test:{sink.port}"
        assert sink.received == []
        assert rebinding.asked == ["rebind.test"]  # one lookup per send

        # The next send looks again and checks what it now gets: 127.0.0.1, refused.
        with pytest.raises(PermanentFailure, match=r"127\.0\.0\.1 \(loopback\)"):
            webhook(allow_private=False).send(address, MESSAGE)
    assert sink.received == []
    assert len(checked.received) == 1


def test_when_the_checked_address_refuses_the_second_answer_is_never_tried(
    sink: Sink, rebinding: Resolver
) -> None:
    # Nothing listens on 127.0.0.2 at the sink's port: the connection is refused.
    with pytest.raises(TemporaryFailure, match=rf"cannot reach http://rebind\.test:{sink.port}"):
        webhook(allow_private=False).send(f"http://rebind.test:{sink.port}/hook", MESSAGE)
    assert sink.received == []
    assert rebinding.asked == ["rebind.test"]


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
