"""The error hierarchy. Each error carries a user-facing message and a hint; `STATUS` maps
classes to exit codes (CLI) and HTTP statuses (web) in one place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, Self

from formcheck.texts import ErrorParams, Lang, error_text, hint_text, message_text


class FormcheckError(Exception):
    """Base class: something the user can act on. `hint` says what to do.

    Raise it with `coded(key, **params)`: the message and hint come from `data/errors.json`;
    `message`, `hint` and `str()` are the English, `text(lang)` the chosen language.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.key: str | None = None
        self.params: ErrorParams = {}

    @classmethod
    def coded(cls, key: str, /, **params: float | int | str | dict[str, str]) -> Self:
        """The error for template `key` of `data/errors.json`, filled with `params`."""
        exc = cls(error_text(key, "message", "en", params), error_text(key, "hint", "en", params))
        exc.key, exc.params = key, params
        return exc

    @property
    def exit_code(self) -> int:
        return exit_code(self)

    def __str__(self) -> str:
        return f"{self.message}\n  → {self.hint}" if self.hint else self.message

    def text(self, lang: Lang = "en") -> str:
        """The message and hint for a person reading `lang` (English if the error has no key)."""
        if self.key is None or lang == "en":
            return str(self)
        message = error_text(self.key, "message", lang, self.params)
        hint = error_text(self.key, "hint", lang, self.params)
        return f"{message}\n  → {hint}" if hint else message


class InputError(FormcheckError):
    """The input file is missing, unreadable, or not a video we can decode."""


class ModelNotFoundError(FormcheckError):
    """No pose model file could be found or downloaded."""


class ModelIntegrityError(FormcheckError):
    """A model file exists but its checksum is not one we accept."""


class _Note(Protocol):
    @property
    def code(self) -> str: ...

    def text(self, lang: Lang = "en") -> str: ...


class CaptureQualityError(FormcheckError):
    """The clip cannot give meaningful results (runner too small, feet cut off, walking...).

    `notes` holds every problem found (codes and parameters, refusals first), not just the
    first; `problems` are their English sentences. `text(lang)` renders it all in a language.
    """


    def __init__(self, message: str, hint: str = "", problems: list[str] | None = None,
                 notes: Sequence[_Note] | None = None, path: str | None = None,
                 refusal_codes: set[str] | None = None) -> None:
        super().__init__(message, hint)
        self.notes = list(notes or [])
        self.problems = problems if problems is not None else [n.text() for n in self.notes]
        self.path = path
        self.refusal_codes = refusal_codes or set()

    @classmethod
    def from_notes(cls, path: str, notes: Sequence[_Note],
                   refusal_codes: set[str]) -> CaptureQualityError:
        """The error for a refused clip: the notes (refusals first) and the hint's codes."""
        return cls(message_text("refused", path=path), hint_text(refusal_codes), None, notes,
                   path, refusal_codes)

    @property
    def codes(self) -> list[str]:
        return [n.code for n in self.notes]

    def text(self, lang: Lang = "en") -> str:
        if lang == "en" or self.path is None:
            return str(self)
        lines = [message_text("refused", lang, path=self.path),
                 *(f"  • {n.text(lang)}" for n in self.notes)]
        hint = hint_text(self.refusal_codes, lang)
        if hint:
            lines.append(f"  → {hint}")
        return "\n".join(lines)

    def __str__(self) -> str:
        lines = [self.message, *(f"  • {p}" for p in self.problems)]
        if self.hint:
            lines.append(f"  → {self.hint}")
        return "\n".join(lines)


class NoRunnerError(CaptureQualityError):
    """The pose model found no person in (enough of) the clip."""


class OutputError(FormcheckError):
    """The output directory cannot be written, or would overwrite the user's files."""



# error class → (CLI exit code, HTTP status); subclasses inherit their nearest listed parent's
STATUS: dict[type[FormcheckError], tuple[int, int]] = {
    FormcheckError: (1, 400),
    InputError: (2, 415),
    CaptureQualityError: (3, 422),
    ModelNotFoundError: (4, 503),
    ModelIntegrityError: (4, 503),
    OutputError: (5, 500),
}


def _status(exc: FormcheckError | type[FormcheckError]) -> tuple[int, int]:
    cls = exc if isinstance(exc, type) else type(exc)
    return next(STATUS[c] for c in cls.__mro__ if c in STATUS)


def exit_code(exc: FormcheckError | type[FormcheckError]) -> int:
    """The CLI exit code for an error (or error class)."""
    return _status(exc)[0]


def http_status(exc: FormcheckError | type[FormcheckError]) -> int:
    """The HTTP status the web app answers for an error (or error class)."""
    return _status(exc)[1]
