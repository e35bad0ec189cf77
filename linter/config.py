"""Configuration: ``[tool.parlint]`` in ``pyproject.toml`` or a ``parlint.toml``.

Found by walking up from the working directory (the first file that has parlint settings wins),
or named with ``--config``. Keys are kebab-case:

    select = ["PAR1", "PAR2"]          # codes or prefixes; default: every rule
    ignore = ["PAR304"]
    max-fanout = 5
    tokens-per-call = [50, 100]
    min-serial-calls = 3
    validation-commands = ["^make verify$"]
    [per-path-ignores]
    "sessions/experiments/**" = ["PAR401"]
    [tool-effects]
    "mcp__github__get_issue" = "read"
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from linter.effects import KINDS
from linter.pricing import PriceTable, load_table


# `plan.md`, `implementation-plan.md`, `migration_plan.md`, `planning.md`, `cursor.plan.md`, `PLAN.md`,
# but not `explanation.md`
DEFAULT_PLAN_GLOBS = ("**/plan*.md", "**/*plan.md", "**/*[-_.]plan*.md", "**/*PLAN*.md", "**/tasks.md",
                      ".claude/plans/**/*.md", ".kiro/specs/**/tasks.md")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Suppress:
    """A configured suppression: these codes, on these paths (all when empty), and why."""

    codes: tuple[str, ...]
    paths: tuple[str, ...]
    reason: str
    origin: str  # e.g. per-path-ignores."sessions/**" or suppress[0]

    def describe(self) -> str:
        return f"{self.origin}: {self.reason}" if self.reason else self.origin


@dataclass
class Config:
    path: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_path_ignores: dict[str, list[str]] = field(default_factory=dict)
    suppressions: list[Suppress] = field(default_factory=list)
    max_fanout: int = 5
    tokens_per_call: tuple[int, int] = (50, 100)
    min_serial_calls: int = 3
    validation_commands: list[re.Pattern[str]] = field(default_factory=list)
    tool_effects: dict[str, str] = field(default_factory=dict)
    prices: dict[str, dict[str, float]] = field(default_factory=dict)
    plan_globs: list[str] = field(default_factory=lambda: list(DEFAULT_PLAN_GLOBS))
    code_globs: list[str] = field(default_factory=list)
    hook_warn_only: bool = False
    root: str = "."
    _price_table: PriceTable | None = field(default=None, repr=False, compare=False)

    def price_table(self) -> PriceTable:
        """The shipped price table with this configuration's ``prices`` laid over it."""
        if self._price_table is None:
            self._price_table = load_table(self.prices)
        return self._price_table

    def enabled(self, code: str) -> bool:
        def best(prefixes: list[str]) -> int:
            return max((len(p) for p in prefixes if code.startswith(p) or p == "ALL"), default=-1)

        chosen = best(self.select) if self.select else 0
        if chosen < 0:
            return False
        dropped = best(self.ignore)
        return dropped < 0 or chosen > dropped  # the longer prefix wins; on a tie, ignore wins

    def ignored_for_path(self, code: str, path: str) -> bool:
        return self.suppressed_by(code, path) is not None

    def suppressed_by(self, code: str, path: str) -> Suppress | None:
        """The configured suppression that silences this finding, if any."""
        rel = os.path.relpath(os.path.abspath(path), self.root) if self.root else path
        rel = rel.replace(os.sep, "/")
        for sup in self.suppressions:
            if not any(code.startswith(c) or c == "ALL" for c in sup.codes):
                continue
            if not sup.paths or any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(path, p) for p in sup.paths):
                return sup
        return None


_KEYS = {"select", "ignore", "per-path-ignores", "max-fanout", "tokens-per-call", "min-serial-calls",
         "validation-commands", "tool-effects", "prices", "plan-globs", "code-globs", "suppress",
         "hook-warn-only"}
_PRICE_KEYS = ("input", "cache_write_5m", "cache_write_1h", "cache_read", "output")


def _codes(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of rule codes")
    return [v.strip().upper() for v in value]


def _reason(entry: dict[str, Any], where: str) -> str:
    reason = entry.get("reason", "")
    if not isinstance(reason, str):
        raise ConfigError(f"{where}: reason must be a string")
    return reason.strip()


def from_mapping(data: dict[str, Any], path: str | None) -> Config:
    where = path or "configuration"
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})")
    cfg = Config(path=path, root=os.path.dirname(os.path.abspath(path)) if path else os.getcwd())
    if "select" in data:
        cfg.select = _codes(data["select"], f"{where}: select")
    if "ignore" in data:
        cfg.ignore = _codes(data["ignore"], f"{where}: ignore")
    ppi = data.get("per-path-ignores", {})
    if not isinstance(ppi, dict):
        raise ConfigError(f"{where}: per-path-ignores must be a table of glob = [codes]")
    for glob, value in ppi.items():
        reason = ""
        if isinstance(value, dict):
            unknown_keys = sorted(set(value) - {"codes", "reason"})
            if unknown_keys:
                raise ConfigError(f"{where}: per-path-ignores.{glob}: unknown key(s) {', '.join(unknown_keys)} "
                                  "(known: codes, reason)")
            reason = _reason(value, f"{where}: per-path-ignores.{glob}")
            value = value.get("codes")
        codes = _codes(value, f"{where}: per-path-ignores.{glob}")
        cfg.per_path_ignores[str(glob)] = codes
        cfg.suppressions.append(Suppress(tuple(codes), (str(glob),), reason, f'per-path-ignores."{glob}"'))
    entries = data.get("suppress", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"{where}: suppress must be an array of tables ([[tool.parlint.suppress]])")
    for n, entry in enumerate(entries):
        at = f"{where}: suppress[{n}]"
        unknown_keys = sorted(set(entry) - {"codes", "paths", "reason"})
        if unknown_keys:
            raise ConfigError(f"{at}: unknown key(s) {', '.join(unknown_keys)} (known: codes, paths, reason)")
        paths = entry.get("paths", [])
        if isinstance(paths, str):
            paths = [paths]
        if not isinstance(paths, list) or not all(isinstance(x, str) for x in paths):
            raise ConfigError(f"{at}: paths must be a list of glob patterns")
        cfg.suppressions.append(Suppress(tuple(_codes(entry.get("codes"), f"{at}: codes")), tuple(paths),
                                         _reason(entry, at), f"suppress[{n}]"))
    if "max-fanout" in data:
        value = data["max-fanout"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"{where}: max-fanout must be a whole number >= 1")
        cfg.max_fanout = value
    if "min-serial-calls" in data:
        value = data["min-serial-calls"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 2:
            raise ConfigError(f"{where}: min-serial-calls must be a whole number >= 2")
        cfg.min_serial_calls = value
    if "tokens-per-call" in data:
        value = data["tokens-per-call"]
        if (not isinstance(value, list) or len(value) != 2 or not all(isinstance(v, int) for v in value)
                or value[0] < 0 or value[1] < value[0]):
            raise ConfigError(f"{where}: tokens-per-call must be [low, high] with 0 <= low <= high")
        cfg.tokens_per_call = (value[0], value[1])
    patterns = data.get("validation-commands", [])
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise ConfigError(f"{where}: validation-commands must be a list of regular expressions")
    for pattern in patterns:
        try:
            cfg.validation_commands.append(re.compile(pattern))
        except re.error as exc:
            raise ConfigError(f"{where}: validation-commands: bad regular expression {pattern!r}: {exc}") from None
    effects = data.get("tool-effects", {})
    if not isinstance(effects, dict):
        raise ConfigError(f"{where}: tool-effects must be a table of tool name = kind")
    for tool, kind in effects.items():
        if kind not in KINDS:
            raise ConfigError(f"{where}: tool-effects.{tool}: {kind!r} is not one of {', '.join(KINDS)}")
        cfg.tool_effects[str(tool)] = kind
    if "hook-warn-only" in data:
        if not isinstance(data["hook-warn-only"], bool):
            raise ConfigError(f"{where}: hook-warn-only must be true or false")
        cfg.hook_warn_only = data["hook-warn-only"]
    for key in ("plan-globs", "code-globs"):
        if key in data:
            value = data[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: {key} must be a list of glob patterns")
            setattr(cfg, key.replace("-", "_"), list(value))
    prices = data.get("prices", {})
    if not isinstance(prices, dict):
        raise ConfigError(f"{where}: prices must be a table of model = {{input = ..., output = ...}}")
    for model, entry in prices.items():
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: prices.{model} must be a table of USD per million tokens")
        for key, value in entry.items():
            if key not in _PRICE_KEYS:
                raise ConfigError(f"{where}: prices.{model}.{key}: unknown price (known: {', '.join(_PRICE_KEYS)})")
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{where}: prices.{model}.{key} must be a number >= 0 (USD per million tokens)")
        cfg.prices[str(model)] = {k: float(v) for k, v in entry.items()}
    return cfg


def _read(path: str) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as fp:
            data = tomllib.load(fp)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if os.path.basename(path) == "pyproject.toml":
        section = data.get("tool", {}).get("parlint")
        return section if isinstance(section, dict) else None
    return data


def load(explicit: str | None = None, start: str | None = None) -> Config:
    if explicit:
        data = _read(explicit)
        return from_mapping(data or {}, explicit)
    directory = os.path.abspath(start or os.getcwd())
    while True:
        for name in ("parlint.toml", "pyproject.toml"):
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                data = _read(candidate)
                if data is not None:
                    return from_mapping(data, candidate)
        parent = os.path.dirname(directory)
        if parent == directory:
            return Config()
        directory = parent
