"""The sources every figure and feature cites (``data/sources.json``), by id."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from geo.problems import InputError, Problem


@dataclass(frozen=True)
class Source:
    id: str
    short: str  # how a table names it
    title: str
    kind: str = ""
    publisher: str = ""
    date: str | None = None
    address: str | None = None
    note: str = ""

    def cite(self) -> str:
        """How a full reference names it: "《title》, publisher"."""
        return f"《{self.title}》, {self.publisher}" if self.publisher else f"《{self.title}》"


def load_sources(path: str | Path) -> dict[str, Source]:
    """Every source of a sources file, by id."""
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))["sources"]
        return {entry["id"]: Source(**entry) for entry in entries}
    except (OSError, json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), f"not a sources file ({type(exc).__name__}: {exc})")]) from None


def cite(ids: list[str], sources: dict[str, Source]) -> str:
    """Sources named short, for a table; an id the file does not hold is shown as it is."""
    return "; ".join(sources[i].short if i in sources else i for i in ids)
