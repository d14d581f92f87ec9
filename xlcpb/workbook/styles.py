"""How xlcpb's workbooks look: the shared cell styles, and a titled, printable sheet frame.

Inputs are blue on pale yellow (the only constants a user should change); headers are bold
on pale blue; each sheet of a template workbook opens with its title (row 1), a summary
(row 2) and column headers (row 3), data from row 4 (``FIRST_ROW``).
"""

from __future__ import annotations

from .. import __version__

INPUT_STYLE = {"font_color": "#0000FF", "bg_color": "#FFF2CC", "locked": False,
               "border": 1, "border_color": "#BFBFBF"}
HEADER_STYLE = {"bold": True, "bottom": 1, "bg_color": "#D9E1F2"}
TITLE_STYLE = {"bold": True, "font_size": 14}
GOOD_STYLE = {"bg_color": "#C6EFCE", "font_color": "#006100"}   # a check that holds
BAD_STYLE = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}    # a check that fails
MONEY = '"$"#,##0'
FIRST_ROW = 4  # rows 1-3: title, summary, column headers
# every template's About sheet: how the published copy is protected and how to unlock it
PROTECTION_NOTE = ("None as built. 'xlcpb publish --lock' makes a copy whose formula cells "
                   "are protected with NO password (input cells stay editable): unprotect "
                   "with Review > Unprotect Sheet in Excel, Tools > Protect Sheet in "
                   "LibreOffice.")


def print_wide(worksheet, header_row: int | None = None, last_header_row: int | None = None
               ) -> None:
    """Printed landscape, one page wide (as many pages down as needed), the header rows
    (``header_row`` to ``last_header_row``, 0-based) repeated on every page."""
    worksheet.set_landscape()
    worksheet.fit_to_pages(1, 0)
    if header_row is not None:
        worksheet.repeat_rows(header_row, last_header_row)


class Styles:
    """XlsxWriter formats, made once per distinct (number format, options)."""

    def __init__(self, workbook) -> None:
        self.book = workbook
        self.formats: dict = {}

    def style(self, number_format: str | None = None, **extra):
        key = (number_format, tuple(sorted(extra.items())))
        if key not in self.formats:
            options = dict(extra)
            if number_format:
                options["num_format"] = number_format
            self.formats[key] = self.book.add_format(options)
        return self.formats[key]

    def titled_sheet(self, title: str, summary: str, name: str, headers: list[str],
                     widths: list[int]):
        """A new sheet ``name``: "title - name" in row 1, ``summary`` in row 2 (Inputs only),
        ``headers`` in row 3 at ``widths``, panes frozen, printed landscape one page wide."""
        worksheet = self.book.add_worksheet(name)
        worksheet.write(0, 0, f"{title} - {name}", self.style(**TITLE_STYLE))
        worksheet.write(1, 0, summary if name == "Inputs" else "")
        for column, (header, width) in enumerate(zip(headers, widths)):
            worksheet.write(FIRST_ROW - 2, column, header, self.style(**HEADER_STYLE))
            worksheet.set_column(column, column, width)
        worksheet.freeze_panes(FIRST_ROW - 1, 1)
        print_wide(worksheet, FIRST_ROW - 2)
        worksheet.set_header(f"&L{title}&R&A")
        worksheet.set_footer("&Lxlcpb " + __version__ + "&RPage &P of &N")
        return worksheet

    def check_colours(self, worksheet, first_row: int, last_row: int, column: int) -> None:
        """TRUE cells green, FALSE cells red, in ``column`` from ``first_row`` to ``last_row``."""
        for value, colours in ((True, GOOD_STYLE), (False, BAD_STYLE)):
            worksheet.conditional_format(first_row, column, last_row, column, {
                "type": "cell", "criteria": "==", "value": value,
                "format": self.style(**colours)})
