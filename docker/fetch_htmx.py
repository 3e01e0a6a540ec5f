"""Fetch the htmx the web app serves, as `make install` does, for an image built without npm.

The version, its SHA-256 and the destination are read from the Makefile (``HTMX_VERSION``,
``HTMX_SHA256``, ``HTMX``), so the image and a developer's checkout serve the same file and the
pin lives in one place. The file is taken from the npm registry's tarball of ``htmx.org``
(``package/dist/htmx.min.js``, what ``npm pack`` gives the Makefile) and written only when its
SHA-256 matches; a destination that already holds the pinned file is left alone.

Usage (from the repository's root): ``python docker/fetch_htmx.py [Makefile]``. A failure is
one line on stderr and exit status 1.
"""

from __future__ import annotations

import hashlib
import io
import re
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
MEMBER = "package/dist/htmx.min.js"
TIMEOUT_SECONDS = 60
# The tarball is about 220 kB; anything far larger is not the package asked for.
MAX_TARBALL_BYTES = 20_000_000


class FetchError(Exception):
    """What went wrong, in one line."""


@dataclass(frozen=True)
class Pin:
    version: str
    sha256: str
    destination: Path


def read_pin(makefile: Path) -> Pin:
    """``HTMX_VERSION``, ``HTMX_SHA256`` and ``HTMX`` (``NAME := value`` lines) of ``makefile``."""
    text = makefile.read_text(encoding="utf-8")
    values = {}
    for name in ("HTMX_VERSION", "HTMX_SHA256", "HTMX"):
        found = re.search(rf"^{name}\s*:=\s*(\S+)\s*$", text, re.MULTILINE)
        if found is None:
            raise FetchError(f"{makefile}: no `{name} := ...` line")
        values[name] = found.group(1)
    if not re.fullmatch(r"[0-9a-f]{64}", values["HTMX_SHA256"]):
        raise FetchError(f"{makefile}: HTMX_SHA256 is not a SHA-256 in hex")
    return Pin(values["HTMX_VERSION"], values["HTMX_SHA256"], Path(values["HTMX"]))


def tarball_url(version: str) -> str:
    """The npm registry's address of the ``htmx.org`` tarball of ``version``."""
    return f"{REGISTRY}/htmx.org/-/htmx.org-{version}.tgz"


def extract(tarball: bytes) -> bytes:
    """The bytes of :data:`MEMBER` in an npm tarball (gzip-compressed tar)."""
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            member = archive.extractfile(MEMBER)
            if member is None:
                raise FetchError(f"{MEMBER} in the tarball is not a file")
            return member.read()
    except KeyError:
        raise FetchError(f"the tarball has no {MEMBER}") from None
    except (tarfile.TarError, OSError, EOFError) as error:
        raise FetchError(f"the tarball cannot be read: {error}") from None


def verify(data: bytes, sha256: str) -> None:
    """FetchError unless ``data`` has the SHA-256 ``sha256`` (hex)."""
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        raise FetchError(f"htmx.min.js has SHA-256 {actual}, expected {sha256}")


def download(url: str) -> bytes:
    """The body at ``url`` (at most :data:`MAX_TARBALL_BYTES`)."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            body: bytes = response.read(MAX_TARBALL_BYTES + 1)
    except OSError as error:
        raise FetchError(f"cannot fetch {url}: {error}") from None
    if len(body) > MAX_TARBALL_BYTES:
        raise FetchError(f"{url} is larger than {MAX_TARBALL_BYTES} bytes")
    return body


def fetch(pin: Pin) -> bool:
    """Make ``pin.destination`` the pinned htmx; False when it already was (nothing fetched)."""
    if pin.destination.is_file():
        try:
            verify(pin.destination.read_bytes(), pin.sha256)
            return False
        except FetchError:
            pass  # another version, or damaged: fetched again below
    data = extract(download(tarball_url(pin.version)))
    verify(data, pin.sha256)
    pin.destination.parent.mkdir(parents=True, exist_ok=True)
    partial = pin.destination.with_suffix(".partial")
    partial.write_bytes(data)
    partial.replace(pin.destination)
    return True


def main(argv: list[str]) -> int:
    makefile = Path(argv[0]) if argv else Path("Makefile")
    try:
        pin = read_pin(makefile)
        fetched = fetch(pin)
    except (FetchError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    state = "fetched and checked" if fetched else "already present and checked"
    print(f"htmx {pin.version}: {pin.destination} {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
