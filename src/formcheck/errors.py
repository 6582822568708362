"""The error hierarchy. Each error carries a user-facing message and a hint; front ends map
classes to exit codes (CLI) or HTTP statuses (web) in one place."""

from __future__ import annotations


class FormcheckError(Exception):
    """Base class: something the user can act on. `hint` says what to do."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  → {self.hint}" if self.hint else self.message


class InputError(FormcheckError):
    """The input file is missing, unreadable, or not a video we can decode."""

    exit_code = 2


class ModelNotFoundError(FormcheckError):
    """No pose model file could be found or downloaded."""

    exit_code = 4


class ModelIntegrityError(FormcheckError):
    """A model file exists but its checksum is not one we accept."""

    exit_code = 4


class CaptureQualityError(FormcheckError):
    """The clip cannot give meaningful results (runner too small, feet cut off, walking...).

    `problems` lists every problem found, not just the first.
    """

    exit_code = 3

    def __init__(self, message: str, hint: str = "", problems: list[str] | None = None) -> None:
        super().__init__(message, hint)
        self.problems = problems or []

    def __str__(self) -> str:
        lines = [self.message, *(f"  • {p}" for p in self.problems)]
        if self.hint:
            lines.append(f"  → {self.hint}")
        return "\n".join(lines)


class NoRunnerError(CaptureQualityError):
    """The pose model found no person in (enough of) the clip."""


class OutputError(FormcheckError):
    """The output directory cannot be written, or would overwrite the user's files."""

    exit_code = 5
