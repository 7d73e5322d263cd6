"""What a rejected import says: file, row, column, what is wrong and how to fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class ImportIssue:
    """One problem in an import file."""

    file: str
    row: int
    column: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message} (fix: {self.fix})"

    def as_dict(self) -> dict:
        return asdict(self)


class ImportRejected(Exception):
    """The file was rejected as a whole; nothing was written."""

    def __init__(self, issues: list[ImportIssue]):
        self.issues = sorted(issues)
        super().__init__(f"{len(self.issues)} problem(s) in the file")
