"""LINE, both ways: the webhook that links LINE users and groups to units, and postbacks."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
