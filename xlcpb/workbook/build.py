"""``xlcpb build``: render template specs into workbooks that read like a financial model.

Sheets: Inputs (blue on pale yellow, the only constants), Calculations (one formula a row,
units and equation numbers beside), Outputs, Checks, Hardware (the price sheet and the
dropdown lists) and About. Key results carry defined names. Every formula cell stores its
value, computed by the same functions Excel calls, so the file shows the right numbers on
opening anywhere - which is why this uses XlsxWriter: openpyxl cannot store a formula's
cached value. Array results are real dynamic-array formulas.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from .. import __version__
from ..data.sheet import load_bundled
from ..errors import CPBError
from .budget.book import build_budget_template
from .columns import cell_reference
from .evaluate import evaluate
from .files import atomic_output
from .xlsx_writer import new_workbook
from .hardware_sheet import list_ranges, write_hardware_sheet
from .styles import FIRST_ROW, INPUT_STYLE, PROTECTION_NOTE, Styles, print_wide
from .template import load_template

PAPER = "Xiaoyi Li, Cost-Per-Byte Principle in Generative AI (section 6)"
BUILD_DATE_LABEL = "Build date"


class Renderer(Styles):
    """One template's workbook being written: its styles, spec and the values so far."""

    def __init__(self, workbook: xlsxwriter.Workbook, spec: dict) -> None:
        super().__init__(workbook)
        self.spec = spec
        self.values: dict = {}

    def sheet(self, name: str, headers: list[str], widths: list[int]):
        workbook = self.spec["workbook"]
        return self.titled_sheet(workbook["title"], workbook["summary"], name, headers, widths)

    def define(self, name: str, sheet: str, row: int, column: int, last_row: int | None = None):
        reference = f"='{sheet}'!{cell_reference(row, column, absolute=True)}"
        if last_row is not None and last_row != row:
            reference += f":{cell_reference(last_row, column, absolute=True)}"
        self.book.define_name(name, reference)


def render(spec: dict, out: Path, build_date: str) -> Path:
    """Write one workbook for ``spec`` to ``out`` (atomically)."""
    with atomic_output(out) as temporary:
        workbook = new_workbook(temporary)
        workbook.set_properties({"title": spec["workbook"]["title"], "author": "xlcpb",
                                 "comments": f"Built by xlcpb {__version__} from "
                                             f"{Path(spec['path']).name}",
                                 "created": dt.datetime(2020, 1, 1)})
        renderer = Renderer(workbook, spec)
        lists = list_ranges()
        inputs = renderer.sheet("Inputs", ["Input", "Value", "Unit", "Note"], [58, 18, 14, 50])
        calculations = renderer.sheet("Calculations", ["Calculation", "Value", "Unit",
                                                       "Equation"], [58, 18, 14, 14])
        outputs = renderer.sheet("Outputs", ["Result", "Value", "Unit", "Note"], [40, 18, 14, 50])
        checks = renderer.sheet("Checks", ["Check", "Value", "Unit", "Note"], [58, 18, 14, 60])
        _inputs(renderer, inputs, lists)
        _calculations(renderer, calculations)
        _outputs(renderer, outputs)
        _checks(renderer, checks)
        write_hardware_sheet(renderer)
        _about(renderer, build_date)
        workbook.close()
    return out


def _inputs(renderer: Renderer, worksheet, lists: dict) -> None:
    row = FIRST_ROW - 1
    for entry in renderer.spec["inputs"]:
        style = renderer.style(entry.get("format"), **INPUT_STYLE)
        worksheet.write(row, 0, entry["label"])
        worksheet.write(row, 2, entry.get("unit", ""))
        if "values" in entry:
            values = entry["values"]
            for offset, value in enumerate(values):
                worksheet.write(row + offset, 1, value, style)
            renderer.define(entry["name"], "Inputs", row, 1, row + len(values) - 1)
            renderer.values[entry["name"]] = [[value] for value in values]
            worksheet.write(row, 3, entry.get("note", "one value a row"))
            row += len(values)
            continue
        worksheet.write(row, 1, entry["value"], style)
        if entry.get("list"):
            worksheet.data_validation(row, 1, row, 1, {
                "validate": "list", "source": lists[entry["list"]],
                "error_title": "Not in the list",
                "error_message": f"Choose a value from the {entry['list']} list "
                                 "(Hardware sheet)."})
            worksheet.write(row, 3, f"dropdown: the {entry['list'].replace('_', ' ')} on the "
                                    "Hardware sheet")
        renderer.define(entry["name"], "Inputs", row, 1)
        renderer.values[entry["name"]] = entry["value"]
        row += 1


def _formula_value(renderer: Renderer, formula: str, label: str):
    try:
        return evaluate(formula, renderer.values)
    except CPBError as error:
        raise CPBError(f"{renderer.spec['path']}: {label}: {error}", argument="template",
                       value=formula, fix="Fix the template's inputs or formula.") from None


def _calculations(renderer: Renderer, worksheet) -> None:
    for offset, entry in enumerate(renderer.spec["calculations"]):
        row = FIRST_ROW - 1 + offset
        value = _formula_value(renderer, entry["formula"], entry["label"])
        worksheet.write(row, 0, entry["label"])
        worksheet.write_formula(row, 1, entry["formula"], renderer.style(entry.get("format")),
                                value)
        worksheet.write(row, 2, entry.get("unit", ""))
        worksheet.write(row, 3, f"eq. {entry['eq']}" if entry.get("eq") else "")
        renderer.define(entry["name"], "Calculations", row, 1)
        renderer.values[entry["name"]] = value


def _outputs(renderer: Renderer, worksheet) -> None:
    calculations = {entry["name"]: entry for entry in renderer.spec["calculations"]}
    row = FIRST_ROW - 1
    for entry in renderer.spec["outputs"]:
        source = calculations[entry["name"]]
        worksheet.write(row, 0, entry["label"])
        worksheet.write_formula(row, 1, f"={entry['name']}",
                                renderer.style(source.get("format"), bold=True),
                                renderer.values[entry["name"]])
        worksheet.write(row, 2, source.get("unit", ""))
        worksheet.write(row, 3, entry.get("note", ""))
        row += 1
    sensitivity = renderer.spec.get("sensitivity")
    if sensitivity:
        row += 1
        worksheet.write(row, 0, sensitivity["label"], renderer.style(bold=True))
        row += 1
        inputs = renderer.values[sensitivity["inputs"]]
        values = _formula_value(renderer, sensitivity["formula"], sensitivity["label"])
        style = renderer.style(sensitivity.get("format"))
        for offset, (length,) in enumerate(inputs):
            worksheet.write_formula(row + offset, 0, f"=INDEX({sensitivity['inputs']},"
                                                     f"{offset + 1})", None, length)
        worksheet.write_dynamic_array_formula(row, 1, row + len(values) - 1, 1,
                                              sensitivity["formula"], style, values[0][0])
        for offset, (value,) in enumerate(values[1:], start=1):
            worksheet.write_number(row + offset, 1, value, style)  # cached spill values
        worksheet.write(row, 2, sensitivity.get("unit", ""))


def _checks(renderer: Renderer, worksheet) -> None:
    row = FIRST_ROW - 1
    worksheet.write(row, 0, "Reference figures (inputs of the checks)", renderer.style(bold=True))
    row += 1
    references = [("RelativeTolerance", "Relative tolerance between equal results", 1e-9, "")]
    for entry in renderer.spec["references"]:
        references.append((entry["name"], entry["label"], entry["value"], ""))
        references.append((f"{entry['name']}Tolerance", f"{entry['label']}: allowed difference "
                           "(half a unit in the last printed digit)", entry["tolerance"], ""))
    for name, label, value, unit in references:
        worksheet.write(row, 0, label)
        worksheet.write(row, 1, value, renderer.style("General", **INPUT_STYLE))
        worksheet.write(row, 2, unit)
        renderer.define(name, "Checks", row, 1)
        renderer.values[name] = value
        row += 1
    row += 1
    worksheet.write(row, 0, "Checks (all TRUE when the model holds)", renderer.style(bold=True))
    row += 1
    first_check = row
    checks = []
    if any(entry["name"] == "CostEq4" for entry in renderer.spec["calculations"]):
        checks.append(("Cost by eq. (1) equals cost by eq. (4)",
                       "=ABS(TotalCost-CostEq4)<=RelativeTolerance*ABS(TotalCost)", ""))
    for entry in renderer.spec["references"]:
        against, name = entry["against"], entry["name"]
        if entry.get("expect_match", True):
            checks.append((f"Ours matches the {entry['label'][0].lower()}"
                           f"{entry['label'][1:]}",
                           f"=ABS({against}-{name})<={name}Tolerance", entry.get("note", "")))
        else:
            checks.append((f"Ours differs from the {entry['label'][0].lower()}"
                           f"{entry['label'][1:]}, as it should",
                           f"=ABS({against}-{name})>{name}Tolerance", entry.get("note", "")))
    for label, formula, note in checks:
        value = _formula_value(renderer, formula, label)
        if value is not True:
            raise CPBError(f"{renderer.spec['path']}: check {label!r} fails ({formula}).",
                           argument="template", value=formula, fix="Fix the template.")
        worksheet.write(row, 0, label)
        worksheet.write_formula(row, 1, formula, None, value)
        worksheet.write(row, 3, note)
        row += 1
    renderer.check_colours(worksheet, first_check, row - 1, 1)
    row += 1
    worksheet.write(row, 0, "All checks pass")
    worksheet.write_formula(row, 1, f"=AND({cell_reference(first_check, 1)}:"
                                    f"{cell_reference(row - 2, 1)})", None, True)
    renderer.book.define_name("AllChecksPass", f"='Checks'!$B${row + 1}")


def _about(renderer: Renderer, build_date: str) -> None:
    worksheet = renderer.book.add_worksheet("About")
    worksheet.set_column(0, 0, 24)
    worksheet.set_column(1, 1, 100)
    print_wide(worksheet)
    rows = [("Workbook", renderer.spec["workbook"]["title"]),
            ("Method", PAPER + ": C = T_byte x I x S"),
            ("Section", renderer.spec["workbook"].get("section", "")),
            ("xlcpb version", __version__),
            ("Sheet version", load_bundled().version),
            (BUILD_DATE_LABEL, build_date),
            ("Template", Path(renderer.spec["path"]).name),
            ("Functions", "CPB_* cells need the xlcpb add-in (xlwings); 'xlcpb publish' makes "
                          "a copy that computes without it."),
            ("Protection", PROTECTION_NOTE),
            ("Sources", "Hardware and price figures: the source_url of each row "
                        "(xlcpb sheet show NAME); the paper's figures: section 6.")]
    for offset, (label, value) in enumerate(rows):
        worksheet.write(offset, 0, label, renderer.style(bold=True))
        worksheet.write_string(offset, 1, str(value))


def build_all(templates: list[Path], out_dir: Path, build_date: str | None = None) -> list[Path]:
    date = build_date or dt.date.today().isoformat()
    built = []
    for path in templates:
        spec = load_template(path)
        out = Path(out_dir) / spec["workbook"]["file"]
        if spec["workbook"].get("kind") == "budget":
            built.append(build_budget_template(spec, out, date))
        else:
            built.append(render(spec, out, date))
    return built
