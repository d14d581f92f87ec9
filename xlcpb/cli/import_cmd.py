"""``xlcpb import FILE``: vendor price lists into your sheet, with a full report."""

from __future__ import annotations

from pathlib import Path

from ..data.sheet import layer, load_bundled
from ..data.store import SheetStore
from ..importers.run import FORMATS, apply, read_file, read_rates
from .output import emit
from .progress import ProgressBar
from .commands import help_of

MAX_ROWS_SHOWN = 40
# Each kind's accepted rows as a table: the columns that say what was imported.
SHOWN = {
    "prices": (["hardware_id", "provider", "region", "instance_type", "pricing_model",
                "purchase_option", "price_per_device_hour", "currency"],
               "prices (per device-hour)"),
    "api_prices": (["provider", "model", "input_price_per_mtok", "output_price_per_mtok",
                    "currency"], "API prices (per 1M tokens)"),
    "hardware": (["id", "vendor", "name", "memory_bytes", "memory_bandwidth_bytes_per_s",
                  "fp16_flops_per_s"], "hardware"),
}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import", help=help_of("import"),
        description="Read a price list or billing export, normalise it (prices per "
                    "device-hour, tokens per 1M, currency kept) and add it to your sheet as a "
                    "new version - or, with --dry-run, only report what it would do.",
        epilog="Formats: " + "; ".join(f"{name}: {text}" for name, text in FORMATS.items()))
    parser.add_argument("file", type=Path, help="the file to import")
    parser.add_argument("--format", dest="source_format", default="auto",
                        choices=["auto", *FORMATS], help="the file's format (default: detect)")
    parser.add_argument("--mapping", type=Path, help="generic format: a TOML column mapping")
    parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    parser.add_argument("--locale", help="generic format: e.g. de for 1.234,56 numbers")
    parser.add_argument("--encoding", help="the file's encoding (default: UTF-8, else cp1252)")
    parser.add_argument("--sheet-name", help="XLSX: the worksheet (default: the first)")
    parser.add_argument("--currency", help="generic format: currency when the file has none")
    parser.add_argument("--to-currency", help="convert prices to this currency ...")
    parser.add_argument("--rates", type=Path,
                        help="... with this CSV of currency,rate (units of the target per unit)")
    parser.add_argument("--effective-date", help="date for files that carry none (yyyy-mm-dd)")
    parser.add_argument("--skip-invalid", action="store_true",
                        help="generic format: skip unreadable rows instead of refusing the file")
    parser.add_argument("--keep-existing", action="store_true",
                        help="keep your sheet's rows where the file has different values")
    parser.add_argument("--sheet", metavar="DIR", type=Path, help="folder of your own sheet")
    parser.add_argument("--report", dest="report_format", choices=["table", "json"],
                        default="table", help="the report: table (default) or json")
    parser.set_defaults(run=run)


def run(args) -> int:
    store = SheetStore(args.sheet)
    version = store.current_version()
    sheet = layer(load_bundled(), store.read(version) if version else {}, version)
    if args.to_currency and not args.rates:
        from ..errors import CPBError
        raise CPBError("--to-currency needs --rates.", argument="rates", value=None,
                       fix="Give a CSV of currency,rate; xlcpb never guesses exchange rates.")
    options = {"mapping": args.mapping, "locale": args.locale, "encoding": args.encoding,
               "sheet_name": args.sheet_name, "currency": args.currency,
               "to_currency": args.to_currency, "rates": read_rates(args.rates),
               "effective_date": args.effective_date, "skip_invalid": args.skip_invalid}
    report = read_file(args.file, args.source_format, sheet, options,
                       progress=ProgressBar(f"Reading {args.file.name}"))
    new_version = apply(report, store, args.dry_run, args.keep_existing)
    _print(report, args, new_version)
    return 0


def _print(report, args, new_version) -> None:
    accepted = [{"kind": kind, **{k: row.get(k) for k in ("hardware_id", "provider", "model",
                                                          "region", "instance_type",
                                                          "pricing_model", "purchase_option")
                                  if row.get(k) is not None},
                 "price": row.get("price_per_device_hour", row.get("output_price_per_mtok",
                                  row.get("billed_cost"))),
                 "currency": row.get("currency"), "how": detail}
                for kind, rows in report.accepted.items()
                for row, detail in zip(rows, report.details[kind])]
    outcome = ("dry run: nothing written" if args.dry_run else
               f"saved as version {new_version}" if new_version else "nothing to write")
    if args.report_format == "json":
        emit("json", [], [], {
            "file": report.source, "format": report.format, "rows_read": report.rows_read,
            "accepted": accepted, "skipped": [{"reason": reason, "count": count,
                                               "examples": report.skipped_examples.get(reason)}
                                              for reason, count in report.skipped.most_common()],
            "conversions": dict(report.conversions), "conflicts": report.conflicts,
            "notes": report.notes, "outcome": outcome, "version": new_version})
        return
    kinds = ", ".join(f"{len(rows):,} {kind}" for kind, rows in report.accepted.items())
    print(f"{report.source} ({FORMATS[report.format]}): {report.rows_read:,} rows read, "
          f"{report.accepted_count:,} accepted{f' ({kinds})' if kinds else ''}, "
          f"{report.skipped.total():,} skipped; {outcome}.")
    for kind, (columns, title) in SHOWN.items():
        rows = report.accepted.get(kind, [])
        if rows:
            print()
            emit("table", rows[:MAX_ROWS_SHOWN], columns,
                 title=f"Accepted {title} (full precision in --report json)")
            if len(rows) > MAX_ROWS_SHOWN:
                print(f"... and {len(rows[MAX_ROWS_SHOWN:]):,} more")
    spend = len([row for row in accepted if row["kind"] == "spend"])
    if spend:
        print(f"\n{spend:,} cost rows kept as actual spend (for budget vs actual).")
    if report.skipped:
        print()
        emit("table", [{"count": count, "reason": reason,
                        "e.g.": ", ".join(report.skipped_examples.get(reason) or [])}
                       for reason, count in report.skipped.most_common()],
             ["count", "reason", "e.g."], title="Skipped")
    if report.conversions:
        print()
        emit("table", [{"count": count, "conversion": what}
                       for what, count in report.conversions.most_common()],
             ["count", "conversion"], title="Unit conversions")
    if report.conflicts:
        print()
        emit("table", report.conflicts, ["kind", "row", "resolution", "column", "old", "new"],
             title="Conflicts with rows you already have")
    for note in report.notes:
        print(f"\nNote: {note}")
