"""Small, careful edits of an XLSX package: its sheets, an added sheet, calculation flags."""

from __future__ import annotations

import html
import re

from .columns import cell_reference

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = RELS + "/worksheet"
SHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _workbook(parts: dict) -> str:
    return parts["xl/workbook.xml"].decode("utf-8")


def _relations(parts: dict) -> str:
    return parts["xl/_rels/workbook.xml.rels"].decode("utf-8")


def sheet_parts(parts: dict) -> list[tuple[str, str]]:
    """(sheet name, part path) of every worksheet, in workbook order."""
    targets = {}
    for relation in re.finditer(r"<Relationship\b[^>]*>", _relations(parts)):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', relation.group(0)))
        if attrs.get("Type", "").endswith("/worksheet"):
            target = attrs["Target"].lstrip("/")
            targets[attrs["Id"]] = target if target.startswith("xl/") else "xl/" + target
    sheets = []
    for sheet in re.finditer(r"<sheet\b[^>]*/>", _workbook(parts)):
        attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', sheet.group(0)))
        part = targets.get(attrs.get("r:id"))
        if part:
            sheets.append((html.unescape(attrs["name"]), part))
    return sheets


def _cell(reference: str, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        text = html.escape(str(value), quote=False)
        return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c r="{reference}"><v>{float(value)!r}</v></c>'


def add_sheet(parts: dict, name: str, rows: list[list]) -> None:
    """Append a worksheet of plain values (text inline, never formulas) named ``name``."""
    number = 1
    while f"xl/worksheets/sheet{number}.xml" in parts:
        number += 1
    part = f"xl/worksheets/sheet{number}.xml"
    body = []
    for index, row in enumerate(rows):
        cells = "".join(_cell(cell_reference(index, c), value) for c, value in enumerate(row))
        body.append(f'<row r="{index + 1}">{cells}</row>')
    parts[part] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}"><sheetData>{"".join(body)}'
                   f'</sheetData></worksheet>').encode("utf-8")
    relations = _relations(parts)
    ids = [int(i) for i in re.findall(r'Id="rId(\d+)"', relations)]
    relation_id = f"rId{max(ids, default=0) + 1}"
    relations = relations.replace(
        "</Relationships>", f'<Relationship Id="{relation_id}" Type="{SHEET_TYPE}" '
                            f'Target="worksheets/sheet{number}.xml"/></Relationships>')
    parts["xl/_rels/workbook.xml.rels"] = relations.encode("utf-8")
    workbook = _workbook(parts)
    sheet_ids = [int(i) for i in re.findall(r'<sheet\b[^>]*\bsheetId="(\d+)"', workbook)]
    workbook = workbook.replace(
        "</sheets>", f'<sheet name="{html.escape(name)}" sheetId="{max(sheet_ids) + 1}" '
                     f'r:id="{relation_id}"/></sheets>')
    parts["xl/workbook.xml"] = workbook.encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    types = types.replace("</Types>", f'<Override PartName="/{part}" '
                                      f'ContentType="{SHEET_CONTENT}"/></Types>')
    parts["[Content_Types].xml"] = types.encode("utf-8")


def drop_calc_chain(parts: dict) -> None:
    """Remove the calculation chain: it lists formula cells and goes stale on any edit."""
    if parts.pop("xl/calcChain.xml", None) is None:
        return
    relations = re.sub(r'<Relationship\b[^>]*calcChain[^>]*/>', "", _relations(parts))
    parts["xl/_rels/workbook.xml.rels"] = relations.encode("utf-8")
    types = re.sub(r'<Override\b[^>]*calcChain[^>]*/>', "",
                   parts["[Content_Types].xml"].decode("utf-8"))
    parts["[Content_Types].xml"] = types.encode("utf-8")


def force_full_calculation(parts: dict) -> None:
    """Ask Excel (and LibreOffice) to recalculate everything when the file is opened."""
    workbook = _workbook(parts)
    if "<calcPr" in workbook:
        workbook = re.sub(r"<calcPr\b([^>]*?)(/?)>",
                          lambda m: "<calcPr" + re.sub(r'\s+fullCalcOnLoad="[^"]*"', "",
                                                       m.group(1))
                                    + ' fullCalcOnLoad="1"' + m.group(2) + ">", workbook,
                          count=1)
    else:
        workbook = workbook.replace("</workbook>", '<calcPr fullCalcOnLoad="1"/></workbook>')
    parts["xl/workbook.xml"] = workbook.encode("utf-8")


MARK_FILL = ('<fill><patternFill patternType="solid"><fgColor rgb="FFFCE4D6"/>'
             '<bgColor indexed="64"/></patternFill></fill>')
MARK_PLACEHOLDER = re.compile(r's="__xlcpb_mark_(\d+)__"')


def mark_placeholder(style_index: str | None) -> str:
    """An attribute to put on a cell to be marked; :func:`apply_marks` makes it a style."""
    return f's="__xlcpb_mark_{style_index or 0}__"'


def apply_marks(parts: dict, sheet_part_names: list[str]) -> None:
    """Give marked cells a copy of their own style with a pale orange fill."""
    if not any(MARK_PLACEHOLDER.search(parts[name].decode("utf-8"))
               for name in sheet_part_names):
        return
    styles = parts["xl/styles.xml"].decode("utf-8")
    fills = re.search(r'<fills count="(\d+)">', styles)
    fill_id = int(fills.group(1))
    styles = re.sub(r'<fills count="\d+">(.*?)</fills>',
                    lambda m: f'<fills count="{fill_id + 1}">{m.group(1)}{MARK_FILL}</fills>',
                    styles, count=1, flags=re.S)
    cell_xfs = re.search(r'<cellXfs count="(\d+)">(.*?)</cellXfs>', styles, re.S)
    xfs = re.findall(r"<xf\b[^>]*/>|<xf\b[^>]*>.*?</xf>", cell_xfs.group(2), re.S)
    added, new_index = [], {}

    def marked_index(original: int) -> int:
        if original not in new_index:
            xf = xfs[original] if original < len(xfs) else xfs[0]
            xf = re.sub(r'\s(fillId|applyFill)="[^"]*"', "", xf)
            xf = xf.replace("<xf", f'<xf fillId="{fill_id}" applyFill="1"', 1)
            new_index[original] = len(xfs) + len(added)
            added.append(xf)
        return new_index[original]

    for name in sheet_part_names:
        xml = parts[name].decode("utf-8")
        xml = MARK_PLACEHOLDER.sub(lambda m: f's="{marked_index(int(m.group(1)))}"', xml)
        parts[name] = xml.encode("utf-8")
    styles = (styles[:cell_xfs.start()]
              + f'<cellXfs count="{len(xfs) + len(added)}">{cell_xfs.group(2)}{"".join(added)}'
              + "</cellXfs>" + styles[cell_xfs.end():])
    parts["xl/styles.xml"] = styles.encode("utf-8")
