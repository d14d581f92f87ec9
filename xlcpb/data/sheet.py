"""The hardware/price sheet: the bundled tables with the user's own rows layered over them.

>>> sheet = load_bundled()
>>> sheet.hardware("NVIDIA H100 SXM")["id"]
'h100-sxm5-80gb'
>>> sheet.flops_per_s("T4", "fp16")
65000000000000.0
>>> sheet.price("A100 SXM4 40GB", provider="gcp")["price_per_device_hour"]
2.933908
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from ..errors import CPBError
from .bundled import bundled_text, bundled_toml
from .csvfiles import parse_csv_text
from .names import exact_matches, normalise, partial_matches, resolve
from .quality import price_age_days
from .schema import KINDS, check_references, schema
from .store import HOME_ENV, SheetStore

DEFAULT_PRICING_MODEL = "on-demand"


@lru_cache(maxsize=1)
def precisions() -> dict[str, dict]:
    """``precisions.toml``: each precision's FLOP/s column and bytes per value."""
    return bundled_toml("precisions.toml")


def resolve_precision(precision: str, argument: str = "precision") -> str:
    """Canonical precision name (``"BF16"``, ``"bfloat16"`` -> ``"bf16"``)."""
    wanted = normalise(precision) if isinstance(precision, str) else None
    for name, spec in precisions().items():
        if wanted in [name] + [normalise(alias) for alias in spec["aliases"]]:
            return name
    raise CPBError(f"{argument} = {precision!r}: not a precision xlcpb knows.",
                   argument=argument, value=precision,
                   fix=f"Use one of {', '.join(precisions())}.", kind="value")


def _hardware_names(row: dict) -> list[str]:
    return [row["id"], row["name"], f"{row['vendor']} {row['name']}", *row["aliases"]]


def _api_names(row: dict) -> list[str]:
    return [row["model"], row["model"], f"{row['provider']} {row['model']}",
            f"{row['provider']}/{row['model']}"]


@lru_cache(maxsize=1)
def _hardware_columns() -> dict[str, str]:
    """The hardware sheet's columns by their normalised names."""
    return {normalise(column): column for column in schema()["hardware"].column_names}


@lru_cache(maxsize=1)
def _precision_names() -> frozenset:
    """Every precision name and alias, normalised."""
    return frozenset(normalise(alias) for name, spec in precisions().items()
                     for alias in [name, *spec["aliases"]])


def _model_names(row: dict) -> list[str]:
    return [row["id"], row["name"], *row["aliases"]]


def _vendors(rows: list[dict], column: str) -> list[str]:
    """The vendor names a query may start with ("NVIDIA H200" is the H200)."""
    return sorted({row[column] for row in rows if row.get(column)}, key=len, reverse=True)


@dataclass(frozen=True)
class Sheet:
    """Hardware, prices and API prices; user rows override bundled rows with the same key."""

    tables: dict = field(repr=False)
    bundled_version: str
    user_version: str | None = None

    @property
    def version(self) -> str:
        """Provenance: ``bundled-<hash>`` plus ``+user-<version>`` when the user has rows."""
        return self.bundled_version + (f"+user-{self.user_version}" if self.user_version else "")

    # -- hardware ------------------------------------------------------------------------
    def hardware(self, name: str, argument: str = "hardware") -> dict:
        """The hardware row ``name`` denotes (id, name or alias, as people write it)."""
        return resolve(name, self.tables["hardware"], "hardware", _hardware_names, argument,
                       prefixes=self.hardware_vendors)

    @cached_property
    def hardware_vendors(self) -> list[str]:
        """The vendor names a hardware query may start with (computed once per sheet)."""
        return _vendors(self.tables["hardware"], "vendor")

    def hardware_matches(self, name: str) -> list[dict]:
        """Every hardware row ``name`` names exactly (none, one, or several): no error."""
        return exact_matches(name, self.tables["hardware"], _hardware_names,
                             self.hardware_vendors)

    def hardware_resembling(self, name: str) -> list[dict]:
        """Hardware rows whose names hold every word and number of ``name`` (not matches)."""
        return partial_matches(name, self.tables["hardware"], _hardware_names)

    def field(self, name: str, field_name: str) -> object:
        """One field of a hardware row: a column name, or a precision for its FLOP/s."""
        row = self.hardware(name)
        wanted = normalise(field_name) if isinstance(field_name, str) else None
        column = _hardware_columns().get(wanted)
        if column is not None:
            value = row[column]
            if value is None:
                raise CPBError(f"field = {field_name!r}: {row['name']} has no published "
                               f"{column}.", argument="field", value=field_name,
                               fix="See the notes column for why.", kind="na")
            return "|".join(value) if isinstance(value, tuple) else value
        if wanted in _precision_names():
            return self.flops_per_s(name, field_name)
        raise CPBError(f"field = {field_name!r}: not a hardware field.", argument="field",
                       value=field_name, fix=f"Use one of "
                       f"{', '.join(schema()['hardware'].column_names)}, or a precision "
                       f"({', '.join(precisions())}).", kind="value")

    def flops_per_s(self, name: str, precision: str = "fp16") -> float:
        """Dense peak FLOP/s of a device at ``precision``; an error where none is published."""
        row = self.hardware(name)
        canonical = resolve_precision(precision)
        value = row[precisions()[canonical]["column"]]
        if value is None:
            has = [p for p, spec in precisions().items() if row[spec["column"]] is not None]
            raise CPBError(f"precision = {precision!r}: {row['name']} has no published "
                           f"{canonical} peak.", argument="precision", value=precision,
                           fix=(f"Use a precision it has: {', '.join(has)}." if has else
                                "No FLOP/s figure is published for it; give the FLOP/s as a "
                                "number instead."), kind="na")
        return value

    # -- prices --------------------------------------------------------------------------
    def price_rows(self, hardware: str) -> list[dict]:
        hardware_id = self.hardware(hardware)["id"]
        return [row for row in self.tables["prices"] if row["hardware_id"] == hardware_id]

    def price(self, hardware: str, provider: str | None = None,
              pricing_model: str = DEFAULT_PRICING_MODEL, region: str | None = None) -> dict:
        """The price row for ``hardware``: the lowest that fits the criteria given.

        With no criteria, the lowest on-demand price in the sheet. Prices in different
        currencies are never compared: name a provider (or currency-consistent criteria).
        """
        rows = self.price_rows(hardware)
        model = pricing_model or DEFAULT_PRICING_MODEL
        chosen = [row for row in rows
                  if row["pricing_model"] == model
                  and (provider is None or row["provider"].casefold() == provider.casefold())
                  and (region is None or row["region"].casefold() == region.casefold())]
        if not chosen:
            offered = sorted({f"{r['provider']}/{r['pricing_model']}/{r['region']}"
                              for r in rows})
            criteria = ", ".join(f"{k}={v!r}" for k, v in (("provider", provider),
                                 ("pricing_model", model), ("region", region)) if v)
            raise CPBError(f"hardware = {hardware!r}: no price with {criteria}.",
                           argument="hardware", value=hardware,
                           fix=(f"Prices in the sheet for it: {', '.join(offered)}."
                                if offered else "The sheet has no price for it: add one with "
                                "'xlcpb sheet add prices' or pass a price per hour."),
                           kind="na")
        currencies = sorted({row["currency"] for row in chosen})
        if len(currencies) > 1:
            raise CPBError(f"hardware = {hardware!r}: matching prices are in "
                           f"{' and '.join(currencies)}; xlcpb never compares currencies.",
                           argument="hardware", value=hardware,
                           fix="Name the provider (or region) to pick one.", kind="na")
        return min(chosen, key=lambda row: row["price_per_device_hour"])

    def price_info(self, hardware: str, field: str, provider: str | None = None,
                   pricing_model: str = DEFAULT_PRICING_MODEL, region: str | None = None):
        """One field of the row :meth:`price` picks: ``effective_date``, ``source_url``,
        ``provider``, ``age_days`` (days since the price was observed) ... - so a price
        shown in a budget can show where it comes from and how old it is."""
        row = self.price(hardware, provider, pricing_model, region)
        wanted = str(field).strip().lower()
        if wanted == "age_days":
            return price_age_days(row)
        if wanted not in row or wanted == "origin":
            raise CPBError(f"field = {field!r}: not a column of the price sheet.",
                           argument="field", value=field,
                           fix="Use age_days or one of "
                               f"{', '.join(k for k in row if k != 'origin')}.", kind="value")
        return "" if row[wanted] is None else row[wanted]

    # -- the model catalog -----------------------------------------------------------------
    def model(self, name: str) -> dict:
        """The catalog row ``name`` denotes ("Llama-3.1-8B", "llama3.1-8b"), the user's own
        models (``xlcpb sheet add models --from-config``) included."""
        return resolve(name, self.tables["models"], "model", _model_names, "model")

    def media_model(self, name: str) -> dict:
        """The media catalog row ``name`` denotes ("SDXL", "Wan2.1-14B", "F5-TTS"), the
        user's own rows (``xlcpb sheet add media_models``) included."""
        return resolve(name, self.tables["media_models"], "media model", _model_names, "model")

    def model_attention(self, model_id: str) -> dict | None:
        """The attention and expert facts of a model (MLA, sliding window...), if recorded."""
        return next((row for row in self.tables["model_attention"] if row["id"] == model_id),
                    None)

    def api_row(self, model: str) -> dict:
        """The API price row of a model, priced per token or per unit (image, second...)."""
        rows = self.tables["api_prices"]
        return resolve(model, rows, "API model", _api_names, "model",
                       prefixes=_vendors(rows, "provider"))

    def api_price(self, model: str) -> dict:
        """The API price row of a text model: input and output prices per 1M tokens."""
        row = self.api_row(model)
        if row.get("input_price_per_mtok") is None or row.get("output_price_per_mtok") is None:
            sold = (f"sold per {row['unit']}" if row.get("unit")
                    else "has no input and output price per token")
            raise CPBError(f"model = {model!r}: {row['provider']} {row['model']} is {sold}, "
                           "not a text model priced per token.", argument="model", value=model,
                           fix="Name a text model of the API price sheet "
                               "('xlcpb sheet list --kind api_prices').", kind="na")
        return row


def _bundled_texts() -> dict[str, str]:
    return {kind: bundled_text(schema()[kind].file) for kind in KINDS}


@lru_cache(maxsize=1)
def load_bundled() -> Sheet:
    """The sheet shipped with the package, validated."""
    texts = _bundled_texts()
    tables = {kind: [{**row, "origin": "bundled"} for row in
                     parse_csv_text(schema()[kind], texts[kind], f"bundled {schema()[kind].file}")]
              for kind in KINDS}
    check_references(tables, "the bundled sheet")
    digest = hashlib.sha256("".join(texts[kind] for kind in KINDS).encode()).hexdigest()
    return Sheet(tables=tables, bundled_version=f"bundled-{digest[:10]}")


def layer(bundled: Sheet, user_tables: dict[str, list[dict]], user_version: str | None) -> Sheet:
    """Bundled rows with the user's rows over them (same key: the user's row wins)."""
    tables = {}
    for kind in KINDS:
        spec = schema()[kind]
        merged = {spec.key_of(row): row for row in bundled.tables[kind]}
        for row in user_tables.get(kind, []):
            merged[spec.key_of(row)] = {**row, "origin": "user"}
        tables[kind] = list(merged.values())
    check_references(tables, "the user's sheet")
    return Sheet(tables=tables, bundled_version=bundled.bundled_version,
                 user_version=user_version)


@lru_cache(maxsize=8)
def _load_layered(root: Path, version: str | None) -> Sheet:
    store = SheetStore(root)
    return layer(load_bundled(), store.read(version) if version else {}, version)


_IN_FORCE: dict = {}  # where the store is -> (store, CURRENT's stat key, sheet)


def _pointer_key(store: SheetStore):
    """What changes whenever CURRENT is switched (it is replaced, so the inode changes)."""
    try:
        status = os.stat(store.pointer)
    except FileNotFoundError:
        return None
    return status.st_ino, status.st_size, status.st_mtime_ns


def load_sheet(home: Path | str | None = None) -> Sheet:
    """The sheet in force: bundled plus the user's current version.

    Excel calls this once per cell, so it costs one ``stat`` of the store's CURRENT file
    when nothing changed; a new version (``xlcpb sheet add``, ``import``, ``restore``) is
    seen on the next call.
    """
    key = (str(home) if home is not None else None, os.environ.get(HOME_ENV),
           os.environ.get("XDG_DATA_HOME"))
    cached = _IN_FORCE.get(key)
    store = cached[0] if cached else SheetStore(home)
    pointer = _pointer_key(store)
    if cached and cached[1] == pointer:
        return cached[2]
    sheet = _load_layered(store.home, store.current_version())
    _IN_FORCE[key] = (store, pointer, sheet)
    return sheet
