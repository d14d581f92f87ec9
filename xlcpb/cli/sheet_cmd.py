"""``xlcpb sheet``: list, show, add, export, diff, history and restore the price sheet."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..data.csvfiles import parse_csv_text, read_text_bounded
from ..data.quality import with_age
from ..data.schema import KINDS, parse_table, schema
from ..data.sheet import layer, load_bundled
from ..data.store import HOME_ENV, SheetStore
from ..errors import CPBError
from ..importers.run import apply, read_file
from ..workbook.sheet_export import export_sheet
from .options import add_format
from .output import emit
from .commands import help_of

# What `list` shows as a table per kind (csv and json show every column).
TABLE_COLUMNS = {
    "hardware": ["id", "name", "memory_bytes", "memory_bandwidth_bytes_per_s",
                 "fp16_flops_per_s", "bf16_flops_per_s", "fp8_flops_per_s", "origin"],
    "prices": ["hardware_id", "provider", "region", "instance_type", "pricing_model",
               "price_per_device_hour", "currency", "effective_date", "age_days", "origin"],
    "api_prices": ["provider", "model", "input_price_per_mtok", "output_price_per_mtok",
                   "cached_input_price_per_mtok", "unit", "price_per_unit", "currency",
                   "effective_date", "age_days", "origin"],
    "models": ["id", "name", "params", "active_params", "n_layers", "d_model", "n_kv_heads",
               "context_tokens", "origin"],
    "model_attention": ["id", "attention", "kv_lora_rank", "sliding_window_tokens",
                        "sliding_window_layers", "n_shared_experts", "origin"],
    "media_models": ["id", "name", "modality", "architecture", "denoiser_params", "default_steps",
                     "guidance_passes", "origin"],
}


def _add_sheet_option(parser) -> None:
    parser.add_argument("--sheet", metavar="DIR", type=Path,
                        help=f"folder of the user's sheet (default: ${HOME_ENV}, else the "
                             "user data folder)")


def _subcommand(commands, command, run, help, description, formats=True, **arguments):
    """A sheet subcommand with --sheet (and --format); ``arguments``: name -> add_argument kw."""
    parser = commands.add_parser(command, help=help, description=description)
    for argument, options in arguments.items():
        parser.add_argument(argument, **options)
    if formats:
        add_format(parser)
    _add_sheet_option(parser)
    parser.set_defaults(run=run)
    return parser


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "sheet", help=help_of("sheet"),
        description="The hardware/price sheet: bundled, sourced rows with your own rows layered "
                    "over them. Every change is kept as a version.")
    commands = parser.add_subparsers(dest="sheet_command", metavar="SUBCOMMAND", required=True)
    _subcommand(commands, "list", run_list, "list the rows of one kind",
                "List the sheet's rows of one kind.",
                **{"--kind": dict(choices=KINDS, default="hardware",
                                  help=f"{', '.join(KINDS)} (default hardware)")})
    _subcommand(commands, "show", run_show, "every field of one piece of hardware, and its prices",
                "Show one hardware row and its prices.",
                name=dict(help='as people write it: "H100 SXM", "h100-sxm5-80gb"'))
    add = commands.add_parser("add", help="add or override rows in your own sheet",
                              description="Add rows to your own sheet, from flags (one row) "
                                          "or from a CSV file with the kind's header. A row "
                                          "with the key of an existing row overrides it.")
    kinds = add.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind in (schema()[name] for name in KINDS):
        kind_parser = _subcommand(
            kinds, kind.name, run_add, f"add {kind.title} rows",
            f"Add {kind.title} rows. Key: {', '.join(kind.key)}.", formats=False,
            **{"--from": dict(dest="from_file", type=Path, metavar="CSV",
                              help="a CSV file of rows with this kind's header"),
               "--message": dict(default="", help="why, for the history")})
        if kind.name == "models":
            kind_parser.add_argument(
                "--from-config", type=Path, metavar="CONFIG_JSON",
                help="a Hugging Face config.json (Llama, Qwen, Mistral/Mixtral, DeepSeek, "
                     "Gemma, gpt-oss layouts): the model's shape and parameter counts; "
                     "--id and --name name it (default: the config's _name_or_path)")
        for column in kind.columns:
            kind_parser.add_argument(f"--{column.name.replace('_', '-')}", dest=column.name,
                                     metavar="VALUE",
                                     help=f"{column.unit and f'[{column.unit}] '}"
                                          f"{'(required) ' if column.required else ''}"
                                          f"{column.help}")
    _subcommand(commands, "export", run_export, "write the sheet as an Excel workbook",
                "Write the sheet as a workbook: one Excel Table per kind, units in headers.",
                formats=False, out=dict(type=Path, help="the .xlsx file to write"),
                **{"--overwrite": dict(action="store_true", help="replace OUT if it exists")})
    _subcommand(commands, "diff", run_diff, "what changed between two versions",
                "Rows added, removed and changed between two versions of your sheet (default: "
                "the previous version and the current one).",
                old=dict(nargs="?", help="older version (default: the previous one)"),
                new=dict(nargs="?", help="newer version (default: the current one)"))
    _subcommand(commands, "history", run_history, "every version of your sheet",
                "Every saved version of your sheet, oldest first.")
    _subcommand(commands, "restore", run_restore, "make an earlier version current again",
                "Make an earlier version current again (saved as a new version, so this can "
                "be undone too).", formats=False,
                version=dict(help="e.g. v0003 or 3 (see 'xlcpb sheet history')"))
    register_freshness(commands)


def _current(args):
    store = SheetStore(args.sheet)
    version = store.current_version()
    return store, layer(load_bundled(), store.read(version) if version else {}, version)


def run_list(args) -> int:
    _, sheet = _current(args)
    rows = sheet.tables[args.kind]
    dated = "effective_date" in schema()[args.kind].column_names
    rows = with_age(rows) if dated else rows
    columns = (TABLE_COLUMNS[args.kind] if args.format == "table"
               else schema()[args.kind].column_names + ["age_days"] * dated + ["origin"])
    emit(args.format, rows, columns,
         title=f"{schema()[args.kind].title} ({len(rows)} rows, sheet {sheet.version})")
    return 0


def run_show(args) -> int:
    _, sheet = _current(args)
    row = sheet.hardware(args.name)
    prices = with_age(sheet.price_rows(row["id"]))
    def shown(column):
        value = row[column.name]
        if isinstance(value, tuple):
            return "|".join(value)
        return str(value) if column.type == "year" and value is not None else value

    fields = [{"field": column.name, "value": shown(column), "unit": column.unit}
              for column in schema()["hardware"].columns]
    if args.format == "json":
        emit("json", [], [], {"hardware": row, "prices": prices})
        return 0
    emit(args.format, fields, ["field", "value", "unit"], title=f"{row['vendor']} {row['name']}")
    if prices and args.format == "table":
        print()
        emit("table", prices, TABLE_COLUMNS["prices"], title="Prices")
    return 0


def _rows_from_flags(args, kind) -> list[dict]:
    cells = {name: getattr(args, name) for name in kind.column_names
             if getattr(args, name) is not None}
    if not cells:
        return []
    header = list(cells)
    return parse_table(kind, header, [[cells[name] for name in header]], "the command line",
                       first_line=1, locale=args.locale)


def _canonical_references(kind, rows: list[dict], sheet) -> list[str]:
    """Hardware named as people write it ("h200") replaced by its id ("h200-sxm-141gb")."""
    notes = []
    for column in kind.columns:
        if column.references != "hardware":
            continue
        for row in rows:
            value = row.get(column.name)
            if value and not any(value == hw["id"] for hw in sheet.tables["hardware"]):
                hardware_id = sheet.hardware(value, argument=column.name)["id"]
                notes.append(f"  {column.name} {value!r} is {hardware_id!r}")
                row[column.name] = hardware_id
    return notes


def _key_label(kind, row: dict) -> str:
    return " / ".join(str(row[k]) for k in kind.key if row.get(k) not in (None, ""))


def run_add_config(args, store, sheet) -> int:
    """``sheet add models --from-config``: a model from its Hugging Face config.json."""
    report = read_file(args.from_config, "hf-config", sheet, {})
    if not report.accepted.get("models"):
        reasons = "; ".join(report.skipped) or "no model in it"
        raise CPBError(f"{args.from_config}: {reasons}.", argument="--from-config",
                       value=str(args.from_config), fix="Give the model's own config.json.")
    for kind in ("models", "model_attention"):  # the names the user chose, if any
        for row in report.accepted.get(kind, []):
            row["id"] = args.id or row["id"]
            if kind == "models":
                row["name"] = args.name or (row["id"] if args.id else row["name"])
    version = apply(report, store, dry_run=False)
    row = report.accepted["models"][0]
    active = f", {row['active_params']:,} active" if row["active_params"] else ""
    print(f"Saved version {version} of {store.root}: model {row['id']!r} ({row['name']}), "
          f"{row['params']:,} parameters{active}, {row['n_layers']} layers, context "
          f"{row['context_tokens']:,} tokens. Use it by name: xlcpb llm {row['id']} ...")
    return 0


def run_add(args) -> int:
    store, sheet = _current(args)
    if getattr(args, "from_config", None):
        return run_add_config(args, store, sheet)
    kind = schema()[args.kind]
    new_rows = _rows_from_flags(args, kind)
    if args.from_file:
        new_rows += parse_csv_text(kind, read_text_bounded(args.from_file), str(args.from_file))
    if not new_rows:
        raise_usage(f"give the row as flags (--{kind.column_names[0].replace('_', '-')} ...) "
                    "or a file with --from")
    resolved = _canonical_references(kind, new_rows, sheet)
    bundled = load_bundled().tables
    bundled_keys = {kind.key_of(row) for row in bundled[kind.name]}
    message = args.message or f"add {len(new_rows)} {kind.name} row(s)"
    report = []

    def change(tables):  # run under the sheet's lock, on its current version
        report.clear()
        by_key = {kind.key_of(row): row for row in tables[kind.name]}
        for row in new_rows:
            key = kind.key_of(row)
            action = ("replaced your row" if key in by_key else
                      "overrides the bundled row" if key in bundled_keys else "added")
            by_key[key] = row
            report.append(f"  {_key_label(kind, row)}: {action}")
        tables[kind.name] = list(by_key.values())
        return message

    version = store.update(change, bundled=bundled)
    print(f"Saved version {version} of {store.root} ({message}):")
    print("\n".join(resolved + report))
    return 0


def raise_usage(message: str):
    raise argparse.ArgumentTypeError(message)


def run_export(args) -> int:
    _, sheet = _current(args)
    path = export_sheet(sheet, args.out, overwrite=args.overwrite)
    counts = ", ".join(f"{len(sheet.tables[k])} {schema()[k].title.lower()}" for k in KINDS)
    print(f"Wrote {path} ({counts}; sheet {sheet.version}).")
    return 0


def _diff_rows(kind, old_rows, new_rows) -> list[dict]:
    old = {kind.key_of(row): row for row in old_rows}
    new = {kind.key_of(row): row for row in new_rows}
    changes = []
    for key in sorted(set(old) | set(new)):
        row = new.get(key) or old[key]
        label = " / ".join(str(row[name]) for name in kind.key)
        if key not in old:
            changes.append({"kind": kind.name, "row": label, "change": "added", "column": "",
                            "old": "", "new": ""})
        elif key not in new:
            changes.append({"kind": kind.name, "row": label, "change": "removed", "column": "",
                            "old": "", "new": ""})
        else:
            for column in kind.column_names:
                if old[key].get(column) != new[key].get(column):
                    changes.append({"kind": kind.name, "row": label, "change": "changed",
                                    "column": column, "old": old[key].get(column),
                                    "new": new[key].get(column)})
    return changes


def run_diff(args) -> int:
    store = SheetStore(args.sheet)
    history = [version.id for version in store.history()]
    new = store.resolve(args.new) if args.new else store.current_version()
    if args.old:
        old = store.resolve(args.old)
    else:
        position = history.index(new) if new in history else -1
        old = history[position - 1] if position > 0 else None
    old_tables = store.read(old) if old else {kind: [] for kind in KINDS}
    new_tables = store.read(new) if new else {kind: [] for kind in KINDS}
    changes = [change for kind in (schema()[name] for name in KINDS)
               for change in _diff_rows(kind, old_tables[kind.name], new_tables[kind.name])]
    emit(args.format, changes, ["kind", "row", "change", "column", "old", "new"],
         title=f"Changes from {old or 'empty'} to {new or 'empty'}: {len(changes)}")
    return 0


def run_history(args) -> int:
    store = SheetStore(args.sheet)
    current = store.current_version()
    rows = [{"version": v.id, "current": v.id == current, "created": v.created,
             "message": v.message, **{f"{kind} rows": v.rows.get(kind, 0) for kind in KINDS}}
            for v in store.history()]
    emit(args.format, rows, ["version", "current", "created", "message"]
         + [f"{kind} rows" for kind in KINDS],
         title=f"Versions of {store.root}" + ("" if rows else " (none yet: no rows added)"))
    return 0


def run_restore(args) -> int:
    store = SheetStore(args.sheet)
    source = store.resolve(args.version)
    with store.locked():
        version = store.restore(source, bundled=load_bundled().tables)
    print(f"Restored {source} as the new version {version}.")
    return 0


# -- freshness and quality (issue 17) ------------------------------------------------------

DATED_KINDS = ("prices", "api_prices")
STALE_COLUMNS = {"prices": ["age_days", "effective_date", "hardware_id", "provider", "region",
                            "instance_type", "pricing_model", "price_per_device_hour",
                            "currency", "origin", "source_url"],
                 "api_prices": ["age_days", "effective_date", "provider", "model",
                                "input_price_per_mtok", "output_price_per_mtok", "currency",
                                "origin", "source_url"]}


def register_freshness(commands) -> None:
    """``sheet stale`` (rows to refresh) and ``sheet check`` (quality of the price rows)."""
    from ..data.quality import STALE_AFTER_DAYS
    today = {"--today": dict(metavar="YYYY-MM-DD", help="count ages up to this date "
                                                        "(default: today)")}
    _subcommand(commands, "stale", run_stale, "rows whose price is older than an age",
                "List price rows observed longer ago than --older-than (default "
                f"{STALE_AFTER_DAYS}d), oldest first: the rows to refresh from vendor files or "
                "pages.",
                **{"--older-than": dict(default=f"{STALE_AFTER_DAYS}d", metavar="AGE",
                                        help=f"an age: 180d, 26w, 1y (default "
                                             f"{STALE_AFTER_DAYS}d)"),
                   "--kind": dict(choices=DATED_KINDS + ("all",), default="all",
                                  help="prices, api_prices or all (default)")}, **today)
    _subcommand(commands, "check", run_check, "quality checks on the price rows",
                "Check the price rows: a source and a date on every row, per-instance vs "
                "per-device prices, terms vs pricing models, likely duplicates, mixed "
                "currencies, and prices far from the others for the same chip. Exit status 1 "
                "with --strict when anything is found.",
                **{"--strict": dict(action="store_true",
                                    help="exit with status 1 if any finding is reported")})


def run_stale(args) -> int:
    from ..data.quality import parse_age, stale_rows
    _, sheet = _current(args)
    days = parse_age(args.older_than)
    kinds = DATED_KINDS if args.kind == "all" else (args.kind,)
    for kind in kinds:
        rows = stale_rows(sheet.tables[kind], days, args.today)
        emit(args.format, rows, STALE_COLUMNS[kind],
             title=f"{schema()[kind].title} older than {days} days: {len(rows)} of "
                   f"{len(sheet.tables[kind])} (sheet {sheet.version})")
    return 0


def run_check(args) -> int:
    from ..data.quality import price_findings
    _, sheet = _current(args)
    findings = price_findings(sheet.tables["prices"])
    emit(args.format, findings, ["check", "row", "detail"],
         title=f"Price checks: {len(findings)} finding(s) in {len(sheet.tables['prices'])} "
               f"rows (sheet {sheet.version})")
    return 1 if findings and args.strict else 0
