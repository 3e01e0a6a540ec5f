"""Import review: an uploaded plan becomes a draft, is corrected, then confirmed."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
