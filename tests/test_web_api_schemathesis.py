"""The JSON API against its own OpenAPI document: schemathesis generates requests for every
operation (valid ones and malformed ones) and checks that none is a server error and that
every answer (status, content type, headers, body) is one the document describes.

Once with an admin's token (everything open to it) and once with a unit's token (its own
tasks only: the rest is 403 or 404, and those must match the document too), on one demo
plan site per database backend, shared by every operation (what one changes, the next sees).

The document is read from an app that has no database (it needs none to describe itself);
each request goes to the site's app (``app=``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from conftest import _backends, fresh_database_url
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import sessionmaker
from web_support import FINANCE, NOW, Site, make_site, web_settings

from tracker.models import Role, TokenKind
from tracker.services import access
from tracker.services.organizations import get_organization
from tracker.services.units import get_unit
from tracker.web.app import create_app

# Enough to reach every answer of every operation (schemathesis adds the examples its
# coverage phase derives from the document), few enough for well under a minute.
EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,  # a request the document rules out is refused (4xx)
]


def _document_app() -> Any:
    settings = web_settings(Path("/nonexistent"), "sqlite://")
    return create_app(settings, sessionmaker(), lambda: NOW)


def _schema(*, coverage: bool) -> Any:
    """The API's document, for generating requests. The token is the test's (headers=), so
    no Authorization header is generated (a missing or broken one would only test that the
    test's replaces it: tests/test_web_api.py tries unusable tokens). The coverage phase
    (each parameter's boundaries and each way to break it, deterministically) is most of
    the run's time: the admin's run has it, the unit's, about scope, fuzzes only."""
    loaded = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _document_app())
    loaded.config.generation.update(with_security_parameters=False)
    loaded.config.phases.coverage.enabled = coverage
    # Methods no operation takes (the router's 405) say nothing of the API.
    loaded.config.phases.coverage.unexpected_methods = set()
    return loaded


admin_schema = _schema(coverage=True)
unit_schema = _schema(coverage=False)


@dataclass
class ApiSite:
    site: Site
    admin: dict[str, str]
    unit: dict[str, str]


def _bearer(site: Site, role: Role, unit_name: str | None = None) -> dict[str, str]:
    with site.session() as session:
        organization = get_organization(session, None)
        unit = get_unit(session, organization, unit_name) if unit_name else None
        _, secret = access.add_token(
            session, organization, TokenKind.API, role, site.now, unit=unit, label=role.value
        )
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture(scope="module", params=_backends())
def api_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiSite]:
    """The demo plan's site on a database of each backend, with two API tokens."""
    folder = tmp_path_factory.mktemp("api")
    urls = fresh_database_url(request.param, request, folder / "tracker.db")
    site = make_site(folder, next(urls))
    try:
        yield ApiSite(site, _bearer(site, Role.ADMIN), _bearer(site, Role.UNIT, FINANCE))
    finally:
        site.close()
        next(urls, None)  # drops the database


QUICK = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@admin_schema.parametrize()
@QUICK
def test_with_an_admin_token(case: Any, api_site: ApiSite) -> None:
    case.call_and_validate(app=api_site.site.app, headers=api_site.admin, checks=CHECKS)


@unit_schema.parametrize()
@QUICK
def test_with_a_unit_token(case: Any, api_site: ApiSite) -> None:
    case.call_and_validate(app=api_site.site.app, headers=api_site.unit, checks=CHECKS)
