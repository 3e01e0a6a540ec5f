"""The web app: :func:`create_app` builds it from the settings, a database and a clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker

from tracker.config import Settings
from tracker.web import failures
from tracker.web.context import WebContext
from tracker.web.protection import BodyLimit, SecurityHeaders
from tracker.web.routes import api, feeds, imports, line, office, secretariat, signin, unit
from tracker.web.words import RememberLanguage

STATIC_DIR = Path(__file__).parent / "static"
API_PREFIX = "/api/v1"
# Room for a form's other fields and the multipart framing around the largest upload.
FORM_OVERHEAD = 1024 * 1024


def create_app(
    settings: Settings, factory: sessionmaker[Session], clock: Callable[[], datetime]
) -> FastAPI:
    """The app. ``clock`` is how it reads the time (once per request); ``factory`` opens the
    database, already migrated."""
    app = FastAPI(
        title="ITA Tracker",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # Swagger UI loads scripts from a CDN: offices have no internet
        redoc_url=None,
    )
    app.state.web = WebContext(settings, factory, clock, settings.secret_key_bytes())
    for module in (signin, unit, secretariat, imports, line, feeds, api):
        app.include_router(module.router)
    app.include_router(office.router)
    app.include_router(office.api)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    failures.install(app)

    app.add_middleware(RememberLanguage)
    app.add_middleware(SecurityHeaders)
    limit = int(settings.upload_max_mb * 1024 * 1024) + FORM_OVERHEAD
    app.add_middleware(BodyLimit, limit=limit)
    return app
