"""Errors that name what is wrong and where: file, line and field."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem", "FramingError", "CodebookError", "InputError"]


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is and what is wrong.

    Examples
    --------
    >>> str(Problem("articles.csv", "missing text", line=7, field="text"))
    'articles.csv, line 7, field text: missing text'
    """

    source: str
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [self.source]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}"


class FramingError(ValueError):
    """Base class of the package's own errors."""


class CodebookError(FramingError):
    """A codebook that cannot be used; the message names the file, frame and pattern."""


class InputError(FramingError):
    """Bad input data; ``problems`` lists every problem found, each with file, line and field."""

    def __init__(self, problems: list[Problem] | Problem, summary: str | None = None):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.summary = summary
        lines = [str(p) for p in self.problems]
        head = summary or (
            f"{len(lines)} problem{'s' if len(lines) != 1 else ''} in the input"
        )
        super().__init__("\n  ".join([head + ":", *lines]) if len(lines) > 1 or summary
                         else lines[0] if lines else head)

    def __reduce__(self):
        # Rebuilt from its problems (not from the message), so that it survives pickling,
        # e.g. on its way back from a worker process.
        return (type(self), (self.problems, self.summary))
