"""Problems found in input: one line each, naming the file and the feature or row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from geo.errors import GeoError

ERROR, WARNING, NOTE = "error", "warning", "note"
LONGEST_MESSAGE = 400  # characters: a message quoting a 50 MB string is no message


def clipped(text: str, longest: int = LONGEST_MESSAGE) -> str:
    """``text`` whole when short, else its start and end around a count of what was left out."""
    if len(text) <= longest:
        return text
    keep = longest // 2
    return f"{text[:keep]}…({len(text) - 2 * keep:,} characters)…{text[-keep:]}"


@dataclass(frozen=True)
class Problem:
    """A problem in one file, and where possible one feature (or table row) of it.

    A note is not a problem but a guess the tool made (an encoding, a field,
    a coordinate system), said so that no figure rests on a silent guess.
    """

    path: str
    message: str
    feature: str | None = None
    severity: str = ERROR

    def __str__(self) -> str:
        where = self.path
        if self.feature:
            # A table's rows are named as such ("row 7"); a layer's features by id or "#index".
            where += f": {self.feature}" if self.feature.startswith("row ") else f": feature {self.feature}"
        prefix = "" if self.severity == ERROR else f"{self.severity}: "
        return f"{clipped(where)}: {prefix}{clipped(self.message)}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class InputError(GeoError):
    """Bad input: carries the problems, each printable as one line."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]
