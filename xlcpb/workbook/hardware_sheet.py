"""The Hardware sheet every built workbook carries: the bundled hardware/price sheet, and
the dropdown lists (precisions, pricing models) that input cells validate against."""

from __future__ import annotations

from ..data.schema import schema
from ..data.sheet import load_bundled, precisions
from .columns import column_letter
from .styles import FIRST_ROW, HEADER_STYLE, TITLE_STYLE, Styles, print_wide

HARDWARE_COLUMNS = ["name", "id", "vendor", "memory_bytes", "memory_bandwidth_bytes_per_s",
                    "fp32", "tf32", "fp16", "bf16", "fp8", "int8", "fp4", "tdp_watts"]
PRICE_COLUMNS = ["hardware_id", "provider", "region", "instance_type", "pricing_model",
                 "price_per_device_hour", "currency", "effective_date"]
# the dropdown lists (precisions, pricing models): after one blank column
LISTS_COLUMN = len(HARDWARE_COLUMNS) + 1


def pricing_models() -> tuple:
    return schema()["prices"].column("pricing_model").choices


def list_ranges() -> dict:
    """Where each dropdown list lives: list name -> a reference for data validation."""
    hardware_rows = len(load_bundled().tables["hardware"])
    lists_column = column_letter(LISTS_COLUMN)
    models_column = column_letter(LISTS_COLUMN + 1)
    return {
        "hardware": f"='Hardware'!$A${FIRST_ROW}:$A${FIRST_ROW + hardware_rows - 1}",
        "precisions": f"='Hardware'!${lists_column}${FIRST_ROW}:${lists_column}"
                      f"${FIRST_ROW + len(precisions()) - 1}",
        "pricing_models": f"='Hardware'!${models_column}${FIRST_ROW}:${models_column}"
                          f"${FIRST_ROW + len(pricing_models()) - 1}",
    }


def write_hardware_sheet(styles: Styles) -> None:
    sheet = load_bundled()
    worksheet = styles.book.add_worksheet("Hardware")
    worksheet.write(0, 0, "The hardware/price sheet (bundled, sourced: see xlcpb sheet show)",
                    styles.style(**TITLE_STYLE))
    worksheet.write(1, 0, f"Sheet version {sheet.version}. Peak FLOP/s are dense; blank where "
                          "none is published.")
    header = styles.style(**HEADER_STYLE)
    for column, name in enumerate(HARDWARE_COLUMNS):
        worksheet.write(FIRST_ROW - 2, column, name, header)
    precision_columns = {name: spec["column"] for name, spec in precisions().items()}
    for offset, row in enumerate(sheet.tables["hardware"]):
        for column, name in enumerate(HARDWARE_COLUMNS):
            value = row.get(precision_columns.get(name, name))
            if value is not None:
                worksheet.write(FIRST_ROW - 1 + offset, column, value,
                                styles.style("0.000E+00" if isinstance(value, float) and
                                             value > 1e6 else None))
    worksheet.write(FIRST_ROW - 2, LISTS_COLUMN, "precision", header)
    worksheet.write(FIRST_ROW - 2, LISTS_COLUMN + 1, "pricing model", header)
    for offset, name in enumerate(precisions()):
        worksheet.write(FIRST_ROW - 1 + offset, LISTS_COLUMN, name)
    for offset, name in enumerate(pricing_models()):
        worksheet.write(FIRST_ROW - 1 + offset, LISTS_COLUMN + 1, name)
    price_column = LISTS_COLUMN + 3
    for column, name in enumerate(PRICE_COLUMNS):
        worksheet.write(FIRST_ROW - 2, price_column + column, name, header)
    for offset, row in enumerate(sheet.tables["prices"]):
        for column, name in enumerate(PRICE_COLUMNS):
            if row.get(name) is not None:
                worksheet.write(FIRST_ROW - 1 + offset, price_column + column, row[name])
    worksheet.set_column(0, 0, 20)
    worksheet.set_column(1, len(HARDWARE_COLUMNS) - 1, 13)
    worksheet.freeze_panes(FIRST_ROW - 1, 1)
    print_wide(worksheet, FIRST_ROW - 2)
