"""Transcript parsers. Each format module offers ``sniff(records)`` and ``parse(path)``."""

from __future__ import annotations

from itertools import islice
from types import ModuleType
from typing import TYPE_CHECKING, Any

from linter.model import ParseProblem, Session
from linter.parsers import claude_code
from linter.parsers.jsonl import iter_records

if TYPE_CHECKING:  # pragma: no cover
    from linter.discover import Input

FORMATS: dict[str, ModuleType] = {claude_code.FORMAT: claude_code}
SNIFF_RECORDS = 20


def sniff(path: str) -> str | None:
    scratch: list[ParseProblem] = []
    records: list[Any] = [rec for _, rec in islice(iter_records(path, scratch), SNIFF_RECORDS)]
    for name, module in FORMATS.items():
        if module.sniff(records):
            return name
    return None


def parse_file(item: "Input", fmt: str, errors: list[ParseProblem], skipped: list[str]) -> Session | None:
    """Parse one input; problems that stop the whole file go to ``errors`` and give None.

    A file found by walking a directory that matches no format is only counted in ``skipped``.
    """
    path = item.path
    try:
        name = fmt if fmt != "auto" else sniff(path)
        if name is None:
            if not item.explicit:
                skipped.append(path)
            else:
                errors.append(ParseProblem(path, None, "not a recognised transcript format "
                                                       f"(known: {', '.join(FORMATS)})"))
            return None
        module = FORMATS.get(name)
        if module is None:
            errors.append(ParseProblem(path, None, f"unknown format {name!r} (known: {', '.join(FORMATS)})"))
            return None
        return module.parse(path)
    except OSError as exc:
        errors.append(ParseProblem(path, None, f"cannot read: {exc.strerror or exc}"))
    except RecursionError:
        errors.append(ParseProblem(path, None, "nesting too deep to parse"))
    except Exception as exc:  # no input may crash the run: report it against the file
        errors.append(ParseProblem(path, None, f"internal error while parsing ({type(exc).__name__}: {exc}); "
                                               "please report this with the file"))
    return None
