"""ICS feeds of meetings and tasks behind secret URLs."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
