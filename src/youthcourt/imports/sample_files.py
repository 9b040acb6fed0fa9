"""The sample files offered on the import page: one per kind, the format shown by example."""

from __future__ import annotations

from pathlib import Path

from youthcourt.cases.models import ImportKind

SAMPLES = Path(__file__).parent / "samples"


def sample_path(kind: ImportKind) -> Path:
    return SAMPLES / f"{kind.value}.csv"


def sample_csv(kind: ImportKind) -> str:
    return sample_path(kind).read_text(encoding="utf-8")
