"""Token prices per model, from the dated table shipped as package data (``linter/data/prices.json``).

Model ids in transcripts carry providers, dates and tags (``anthropic/claude-sonnet-4-5-20250929``);
``price_of`` strips a provider prefix and a trailing date and looks the rest up exactly. A model
that is not in the table is unpriced: figures for it are reported without dollars, never guessed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

PER = 1_000_000
_DATE = re.compile(r"-(\d{8}|\d{4}-\d{2}-\d{2})$")
_FIELDS = ("input", "cache_write_5m", "cache_write_1h", "cache_read", "output")


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million tokens; None where the table does not know the price."""

    input: float | None = None
    cache_write_5m: float | None = None
    cache_write_1h: float | None = None
    cache_read: float | None = None
    output: float | None = None


@dataclass(frozen=True, slots=True)
class PriceTable:
    as_of: str
    models: dict[str, Price]

    def price_of(self, model: str | None) -> Price | None:
        if not model:
            return None
        key = normalise(model)
        return self.models.get(key)


def normalise(model: str) -> str:
    name = model.strip().lower().rsplit("/", 1)[-1]
    name = name.split("@", 1)[0]  # Vertex spells dates as claude-sonnet-4-5@20250929
    return _DATE.sub("", name)


def _price(raw: dict[str, Any]) -> Price:
    values = {}
    for key in _FIELDS:
        value = raw.get(key)
        values[key] = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return Price(**values)


@lru_cache(maxsize=1)
def _shipped() -> dict[str, Any]:
    return json.loads(resources.files("linter.data").joinpath("prices.json").read_text(encoding="utf-8"))


def load_table(overrides: dict[str, dict[str, Any]] | None = None) -> PriceTable:
    data = _shipped()
    models = {normalise(name): _price(raw) for name, raw in data["models"].items()}
    for name, raw in (overrides or {}).items():
        base = models.get(normalise(name))
        merged = {k: getattr(base, k) for k in _FIELDS} if base else {}
        merged.update({k: v for k, v in raw.items() if k in _FIELDS})
        models[normalise(name)] = _price(merged)
    return PriceTable(as_of=str(data.get("as_of", "")), models=models)
