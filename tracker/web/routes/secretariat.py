"""The secretariat's pages: dashboard, meetings, tasks, units, series, outbox, audit log."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
