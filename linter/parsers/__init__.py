"""Transcript parsers, one module per format, all producing the normalised Session.

A format module offers:

* ``FORMAT``: its name (used by ``--format``, ``parlint formats`` and the JSON ``format`` field);
* ``DESCRIPTION``: one line for ``parlint formats``;
* ``EFFECTS``: its tool names mapped to effect handlers (``linter.effects``);
* optionally ``FALLBACK``: the handler for names not in ``EFFECTS`` (default ``unknown``; formats
  whose tools are an application's own functions use ``function_tool``);
* ``sniff(sample) -> bool``: does this ``Sample`` (first records or whole document) look like mine?
  Sniffing looks at structure only, never at the file name, and must be strict: the first format
  whose sniff accepts a file parses it;
* ``parse(path) -> Session`` or ``parse_many(path) -> Iterable[Session]`` (files that hold
  several sessions, such as benchmark logs with one run per line);
* optionally ``is_companion(path) -> bool``: files read together with another one (subagent
  transcripts), skipped when a directory is walked.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from types import ModuleType
from typing import TYPE_CHECKING

from linter.model import ParseProblem, Session
from linter.parsers import _event_folders
from linter.parsers.sample import DocumentError, Sample, load_sample

if TYPE_CHECKING:  # pragma: no cover
    from linter.discover import Input

# The formats, each parsed by the module linter.parsers.<name with "_" for "-">. Order matters:
# the first whose sniff accepts a file wins, so formats with distinctive record types come before
# the plain message lists.
_NAMES = (
    "claude-code",
    "entire",
    "otel-genai",
    "codex",
    "gemini-cli",
    "openhands",
    "swe-agent",
    "smolagents",
    "openai-responses",
    "openai-chat",
    "anthropic-messages",
)
# The formats whose module offers ``is_companion`` (checked when a module is loaded).
_WITH_COMPANIONS = ("claude-code", "gemini-cli")


class _Formats(Mapping[str, ModuleType]):
    """Format name -> parser module, each imported when first used.

    Sniffing stops at the first format that accepts a file, so a run over Claude Code transcripts
    imports one parser instead of ten (importing them all is a noticeable part of start-up).
    """

    def __init__(self, names: tuple[str, ...]) -> None:
        self._names = names
        self._modules: dict[str, ModuleType] = {}

    def __getitem__(self, name: str) -> ModuleType:
        module = self._modules.get(name)
        if module is None:
            if name not in self._names:
                raise KeyError(name)
            module = importlib.import_module(f"linter.parsers.{name.replace('-', '_')}")
            if module.FORMAT != name:
                raise RuntimeError(f"{module.__name__}.FORMAT is {module.FORMAT!r}, expected {name!r}")
            if hasattr(module, "is_companion") != (name in _WITH_COMPANIONS):
                raise RuntimeError(f"{module.__name__}: is_companion and _WITH_COMPANIONS disagree")
            self._modules[name] = module
        return module

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


FORMATS: Mapping[str, ModuleType] = _Formats(_NAMES)


def sniff(sample: Sample) -> str | None:
    for name, module in FORMATS.items():
        if module.sniff(sample):
            return name
    return None


def is_companion(path: str) -> bool:
    """Is this file read together with another (a subagent transcript, an OpenHands V1 event file
    other than the first of its conversation folder), so that a walk leaves it out?"""
    return any(FORMATS[name].is_companion(path) for name in _WITH_COMPANIONS) or _event_folders.is_companion(path)


def primary_of(path: str) -> str:
    """The file that stands for ``path``'s session where one session spans many files (each event
    file of an OpenHands V1 conversation folder stands for the folder's first): naming several of
    them checks the session once."""
    return _event_folders.primary_of(path)


def parse_file(item: "Input", fmt: str, errors: list[ParseProblem], skipped: list[str]) -> list[Session]:
    """Parse one input into its sessions; problems that stop the whole file go to ``errors``.

    A file found by walking a directory that matches no format is only counted in ``skipped``.
    """
    path = item.path
    try:
        sample = load_sample(path) if fmt == "auto" else None
        name = fmt if sample is None else sniff(sample)
        if name is None:
            if not item.explicit:
                skipped.append(path)
            elif sample is not None and sample.empty:
                errors.append(ParseProblem(path, None, "empty file: nothing to check", level="warning"))
            elif sample is not None and sample.json_error is not None:
                line, reason = sample.json_error
                errors.append(ParseProblem(path, line, f"invalid JSON ({reason}); not checked"))
            elif sample is not None and not sample.records and sample.document is None:
                errors.append(ParseProblem(path, 1, "not JSON: the first line is neither a JSON value nor the "
                                                    "start of a JSON document; not checked"))
            else:
                errors.append(ParseProblem(path, None, "not a recognised transcript format "
                                                       "(see `parlint formats`; --format NAME forces one)"))
            return []
        module = FORMATS.get(name)
        if module is None:
            errors.append(ParseProblem(path, None, f"unknown format {name!r} (known: {', '.join(FORMATS)})"))
            return []
        sessions = list(module.parse_many(path)) if hasattr(module, "parse_many") else [module.parse(path)]
        if (sample is None and not any(a.steps or a.events for s in sessions for a in s.agents.values())
                and not any(p.level == "error" for s in sessions for p in s.problems)):
            # a forced format that recognised nothing: say so rather than pass it as clean
            errors.append(ParseProblem(path, None, f"nothing in this file reads as {name} "
                                                   "(is --format right? `--format auto` recognises the format)"))
            return []
        return sessions
    except DocumentError as exc:
        errors.append(ParseProblem(path, exc.line, f"invalid JSON ({exc.reason})"))
    except OSError as exc:
        errors.append(ParseProblem(path, None, f"cannot read: {exc.strerror or exc}"))
    except RecursionError:
        errors.append(ParseProblem(path, None, "nesting too deep to parse"))
    except Exception as exc:  # no input may crash the run: report it against the file
        errors.append(ParseProblem(path, None, f"internal error while parsing ({type(exc).__name__}: {exc}); "
                                               "please report this with the file"))
    return []
