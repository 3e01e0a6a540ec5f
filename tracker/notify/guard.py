"""Where a webhook or an Apprise web URL may send: to public addresses only, unless allowed.

A contact's URL is typed by whoever manages the units. One naming the tracker's own machine
(``127.0.0.1``, ``localhost``), its network (``10.x``, ``192.168.x``) or a cloud's metadata
service (``169.254.169.254``) would have the tracker POST there on the typist's behalf, from
inside the network (server-side request forgery). So before a send, every address the
destination's host resolves to must be public, unless TRACKER_ALLOW_PRIVATE_DESTINATIONS says
the tracker's own network is where messages go (an intranet webhook; the tests' servers).

This module is the one place of that rule: :func:`is_public_address` says what public is,
:func:`public_addresses` applies it to a host, resolved once, and returns the addresses it
checked; :func:`check_public_destination` is that check alone; :func:`web_server` reads the host
and port a web URL sends to.

A connection must go to the addresses :func:`public_addresses` returned, not to the name: a
name resolved again may answer otherwise (DNS rebinding: a public address to the check, then
``127.0.0.1`` to the connection). The webhook transport connects so (and uses no proxy). What
this does not cover: Apprise's web schemes (``json://``, …) are checked here by
:func:`check_public_destination`, but Apprise's own HTTP client resolves the name again, or a
proxy it is configured with does.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from tracker.notify import PermanentFailure, TemporaryFailure
from tracker.redact import WEB_SCHEMES

ALLOW_SETTING = "TRACKER_ALLOW_PRIVATE_DESTINATIONS"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: an IPv4 address behind NAT64
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215: a site's own translator
_UNIQUE_LOCAL = ipaddress.IPv6Network("fc00::/7")  # RFC 4193

# What is not public, by name, in the order an address is described by (the first that fits).
# Multicast and site-local are listed because ipaddress counts them as global.
_NOT_PUBLIC: tuple[tuple[str, Callable[[IPAddress], bool]], ...] = (
    ("unspecified", lambda ip: ip.is_unspecified),
    ("loopback", lambda ip: ip.is_loopback),
    ("link-local", lambda ip: ip.is_link_local),
    ("multicast", lambda ip: ip.is_multicast),
    ("unique-local", lambda ip: ip in _UNIQUE_LOCAL),
    ("a local NAT64", lambda ip: ip in _NAT64_LOCAL),
    ("site-local", lambda ip: isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local),
    ("private", lambda ip: ip.is_private),
    ("reserved", lambda ip: ip.is_reserved),
    ("not globally routable", lambda ip: not ip.is_global),  # 100.64/10, shared by ISPs' NAT
)


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one reaches, when it carries one: IPv4-mapped
    (``::ffff:a.b.c.d``), NAT64 (``64:ff9b::a.b.c.d``) or 6to4 (``2002:AABB:CCDD::``)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def _non_public_kind(ip: IPAddress) -> str | None:
    """Which kind of non-public address ``ip`` is (``"loopback"``, …), None when public."""
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        return _non_public_kind(embedded)
    return next((kind for kind, applies in _NOT_PUBLIC if applies(ip)), None)


def _parse(ip: str | IPAddress) -> IPAddress:
    if isinstance(ip, str):  # getaddrinfo's IPv6 link-local answers carry a "%zone"
        return ipaddress.ip_address(ip.partition("%")[0])
    return ip


def is_public_address(ip: str | IPAddress) -> bool:
    """Whether ``ip`` is an address on the public Internet: not unspecified, loopback,
    link-local, multicast, private, unique-local, site-local, reserved nor shared
    (``100.64.0.0/10``). An IPv6 address carrying an IPv4 one (IPv4-mapped, NAT64, 6to4) is
    judged by the IPv4 address it reaches. A string that is no IP address: ValueError."""
    return _non_public_kind(_parse(ip)) is None


def server_name(host: str, port: int | None) -> str:
    """``host[:port]`` as a URL writes it (an IPv6 address in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    return shown if port is None else f"{shown}:{port}"


def web_server(url: str) -> tuple[str, int]:
    """The host (lower case, no brackets) and port a web URL sends to (:data:`WEB_SCHEMES`:
    http(s), Apprise's json(s), form(s), xml(s)), the port filled in from the scheme.
    ValueError saying what the URL lacks ("names no host", "has no valid port", …)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed "[": its text would quote the URL
        raise ValueError("is not a URL") from None
    default = WEB_SCHEMES.get(parts.scheme.lower())
    if default is None:
        raise ValueError(f"has no web scheme ({', '.join(WEB_SCHEMES)})")
    if not parts.hostname:
        raise ValueError("names no host")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("has no valid port (1-65535)") from None
    return parts.hostname, default if port is None else port


def public_addresses(host: str, port: int | None, *, allow_private: bool) -> list[str]:
    """Every address ``host`` resolves to, from one lookup, in the resolver's order (each
    once), when each is public or ``allow_private``: connect to these, never to the name again
    (see the module). A non-public one: PermanentFailure naming the host, the address and its
    kind, and the setting that allows it. A name that does not resolve: TemporaryFailure (DNS
    may be down); one that is no host name: PermanentFailure."""
    name = host.strip("[]")  # a URL's IPv6 literal, as written
    where = server_name(name, port)
    addresses = _resolve(name, port, where)
    if not allow_private:
        for address in addresses:
            ip = _parse(address)
            if not is_public_address(ip):  # the rule; the kind only names it
                kind = _non_public_kind(ip) or "not public"
                raise PermanentFailure(
                    f"{where} is on a private network: it resolves to {address} ({kind}); "
                    f"contacts may send only to public addresses unless {ALLOW_SETTING}=true"
                )
    return addresses


def check_public_destination(host: str, port: int | None, *, allow_private: bool) -> None:
    """Refuse to send to ``host`` unless every address it resolves to is public, or
    ``allow_private`` (then nothing is resolved): :func:`public_addresses` without its answer,
    for a sender that connects by the name itself (Apprise)."""
    if not allow_private:
        public_addresses(host, port, allow_private=False)


def _resolve(name: str, port: int | None, where: str) -> list[str]:
    """Every address ``name`` resolves to, in getaddrinfo's order (RFC 6724: the one to try
    first first), each once; an IP literal resolves to itself, and so do its odd spellings
    (``2130706433``, ``127.1``), as the connect would read them."""
    if not name:
        raise PermanentFailure("the URL names no host")
    try:
        answers = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except UnicodeError:
        raise PermanentFailure(f"{where} is not a host name") from None
    except OSError as error:  # socket.gaierror: no such name, or no DNS answer
        raise TemporaryFailure(f"cannot resolve {where}: {error.strerror or error}") from error
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))
