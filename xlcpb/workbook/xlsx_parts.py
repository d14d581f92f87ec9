"""Careful edits of an XLSX package: its sheets, added sheets, styles, calculation flags.

Every part is read with a namespace-aware parser (:mod:`.xml_spans`, defusedxml), so a part
that spells its elements with a prefix (``<x:sheet>``) or orders attributes differently is
read as Excel reads it; edits splice the located spans, leaving the rest byte for byte.
"""

from __future__ import annotations

import re

from ..errors import CPBError
from .columns import cell_reference
from .xml_spans import Node, attribute, escape, parse, splice

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
SHEET_TYPE = RELS + "/worksheet"
SHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
APP = "docProps/app.xml"
# CT_Worksheet's children in schema order: an added element goes before the first later one
WORKSHEET_ORDER = ["sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData",
                   "sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios",
                   "autoFilter", "sortState", "dataConsolidate", "customSheetViews",
                   "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
                   "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
                   "rowBreaks", "colBreaks", "customProperties", "cellWatches",
                   "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
                   "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                   "webPublishItems", "tableParts", "extLst"]


def _tree(parts: dict, name: str) -> tuple[Node, dict]:
    return parse(parts[name], name)


def insertion(root: Node, name: str, xml: str, order: list[str]) -> tuple[int, int, bytes]:
    """The edit that adds element ``xml`` (already prefixed) as ``root``'s child ``name``,
    at its place in the schema's ``order``."""
    later = order[order.index(name) + 1:]
    position = next((child.start for child in root.children if child.name in later),
                    root.close_start)
    return position, position, xml.encode("utf-8")


def insert_in_order(data: bytes, root: Node, name: str, xml: str, order: list[str]) -> bytes:
    """``data`` with element ``xml`` added as ``root``'s child ``name`` (:func:`insertion`)."""
    return splice(data, [insertion(root, name, xml, order)])


def append_child(data: bytes, parent: Node, xml: str) -> bytes:
    """``xml`` added as the last child of ``parent`` (which may be written ``<a/>``)."""
    if parent.empty:
        opening = data[parent.start:parent.end - 2].rstrip() + b">"
        closing = f"</{parent.qname}>".encode("utf-8")
        return splice(data, [(parent.start, parent.end,
                              opening + xml.encode("utf-8") + closing)])
    return splice(data, [(parent.close_start, parent.close_start, xml.encode("utf-8"))])


def set_attributes(data: bytes, node: Node, changes: dict) -> bytes:
    """``node``'s start tag with attributes set (value) or removed (None)."""
    return splice(data, [(node.start, node.open_end,
                          start_tag(data[node.start:node.open_end], changes))])


def start_tag(tag: bytes, changes: dict) -> bytes:
    """A start tag's text with unprefixed attributes set (value) or removed (None)."""
    text = tag.decode("utf-8")
    for name, value in changes.items():
        text = re.sub(rf"""\s{name}\s*=\s*("[^"]*"|'[^']*')""", "", text)
        if value is not None:
            end = len(text) - (2 if text.endswith("/>") else 1)
            text = text[:end] + f' {name}="{attribute(str(value))}"' + text[end:]
    return text.encode("utf-8")


def _part_path(target: str, base: str = "xl/") -> str:
    target = target.lstrip("/") if target.startswith("/") else base + target
    parts = []
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _relations(parts: dict) -> Node:
    return _tree(parts, WORKBOOK_RELS)[0]


def sheet_parts(parts: dict) -> list[tuple[str, str]]:
    """(sheet name, part path) of every worksheet, in workbook order."""
    targets = {}
    for relation in _relations(parts).all(PACKAGE_RELS, "Relationship"):
        if relation.attrs.get("Type", "") == SHEET_TYPE:
            targets[relation.attrs.get("Id")] = _part_path(relation.attrs.get("Target", ""))
    sheets = []
    workbook = _tree(parts, WORKBOOK)[0]
    for sheet in _sheets(workbook).all(MAIN, "sheet"):
        part = targets.get(sheet.attrs.get(f"{{{RELS}}}id"))
        if part:
            sheets.append((sheet.attrs.get("name", ""), part))
    return sheets


def _sheets(workbook: Node) -> Node:
    sheets = workbook.child(MAIN, "sheets")
    if sheets is None:
        raise CPBError("the workbook lists no sheets.", argument="in", value=WORKBOOK,
                       fix="Re-save it from Excel.")
    return sheets


def cell_xml(reference: str, value, style: int | None = None) -> str:
    """A ``<c>`` element holding ``value`` (text inline, never a formula from data)."""
    styled = f' s="{style}"' if style is not None else ""
    if value is None or value == "":
        return f'<c r="{reference}"{styled}/>' if style is not None else ""
    if isinstance(value, Formula):
        return (f'<c r="{reference}"{styled}{value.cell_type}><f>{escape(value.text)}</f>'
                "</c>")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return (f'<c r="{reference}"{styled} t="inlineStr"><is><t xml:space="preserve">'
                f"{escape(str(value))}</t></is></c>")
    return f'<c r="{reference}"{styled}><v>{float(value)!r}</v></c>'


class Formula:
    """A formula xlcpb writes itself (never text from a file); ``kind``: its result type."""

    def __init__(self, text: str, kind: str = "n") -> None:
        self.text = text
        self.cell_type = {"n": "", "b": ' t="b"', "str": ' t="str"'}[kind]


def prefixed(xml: str, prefix: str) -> str:
    """Elements xlcpb writes unprefixed, spelt with the host part's ``prefix`` ("x:")."""
    return xml.replace("</", "\0").replace("<", f"<{prefix}").replace("\0", f"</{prefix}") \
        if prefix else xml


def rows_xml(rows: list[list], first_row: int = 0) -> str:
    """``<row>`` elements for ``rows`` (values, or :class:`Formula`), from ``first_row``."""
    body = []
    for index, row in enumerate(rows):
        r = first_row + index
        cells = "".join(cell_xml(cell_reference(r, c), value) for c, value in enumerate(row))
        body.append(f'<row r="{r + 1}">{cells}</row>')
    return "".join(body)


PRINT_SETUP = ('<printOptions gridLines="0"/><pageMargins left="0.5" right="0.5" top="0.75" '
               'bottom="0.75" header="0.3" footer="0.3"/><pageSetup orientation="landscape" '
               'fitToWidth="1" fitToHeight="0"/>')


def add_sheet(parts: dict, name: str, rows: list[list], hidden: bool = False,
              widths: list[float] = ()) -> str:
    """Append a worksheet named ``name`` of plain values (text inline) or :class:`Formula`
    cells; ``hidden`` sheets are neither shown nor printed. Returns its part path."""
    number = 1
    while f"xl/worksheets/sheet{number}.xml" in parts:
        number += 1
    part = f"xl/worksheets/sheet{number}.xml"
    columns = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>'
                      for i, w in enumerate(widths))
    parts[part] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">'
                   '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
                   f'{f"<cols>{columns}</cols>" if columns else ""}'
                   f"<sheetData>{rows_xml(rows)}</sheetData>{PRINT_SETUP}"
                   "</worksheet>").encode("utf-8")
    relation_id = add_part(parts, part, parts[part], SHEET_TYPE, SHEET_CONTENT)
    workbook, prefixes = _tree(parts, WORKBOOK)
    sheets = _sheets(workbook)
    sheet_ids = [int(s.attrs.get("sheetId", 0)) for s in sheets.all(MAIN, "sheet")]
    r_prefix = prefixes.get(RELS)
    r_id = (f'{r_prefix}:id="{relation_id}"' if r_prefix
            else f'xmlns:xr_r="{RELS}" xr_r:id="{relation_id}"')
    state = ' state="hidden"' if hidden else ""
    parts[WORKBOOK] = append_child(
        parts[WORKBOOK], sheets,
        f'<{sheets.prefix}sheet name="{attribute(name)}" sheetId="{max(sheet_ids) + 1}"'
        f"{state} {r_id}/>")
    _list_in_app_properties(parts, name)
    return part


def add_part(parts: dict, part: str, data: bytes, relation_type: str, content_type: str
             ) -> str:
    """Add ``part`` (under xl/) to the package: related from the workbook, its content type
    declared. Returns the relation's id."""
    parts[part] = data
    relations, _ = _tree(parts, WORKBOOK_RELS)
    ids = [int(r.attrs["Id"][3:]) for r in relations.all(PACKAGE_RELS, "Relationship")
           if re.fullmatch(r"rId\d+", r.attrs.get("Id", ""))]
    relation_id = f"rId{max(ids, default=0) + 1}"
    parts[WORKBOOK_RELS] = append_child(
        parts[WORKBOOK_RELS], relations,
        f'<{relations.prefix}Relationship Id="{relation_id}" Type="{relation_type}" '
        f'Target="{part.removeprefix("xl/")}"/>')
    types, _ = _tree(parts, "[Content_Types].xml")
    if not any(o.attrs.get("PartName") == f"/{part}"
               for o in types.all(CONTENT_TYPES, "Override")):
        parts["[Content_Types].xml"] = append_child(
            parts["[Content_Types].xml"], types,
            f'<{types.prefix}Override PartName="/{part}" ContentType="{content_type}"/>')
    return relation_id


def _list_in_app_properties(parts: dict, name: str) -> None:
    """docProps/app.xml: the new sheet among the worksheet titles, counts updated.

    The worksheet group is the heading whose titles are the workbook's sheet names (the
    heading's own label is in the author's language)."""
    if APP not in parts:
        return
    data = parts[APP]
    root, _ = parse(data, APP)
    headings = root.child(root.namespace, "HeadingPairs")
    titles = root.child(root.namespace, "TitlesOfParts")
    if headings is None or titles is None:
        return
    pairs = headings.child(VT, "vector")
    title_vector = titles.child(VT, "vector")
    if pairs is None or title_vector is None:
        return
    variants = pairs.all(VT, "variant")
    names = [t.text for t in title_vector.children]
    sheets = [s for s, _ in sheet_parts(parts) if s != name]
    position = 0
    for label, count in zip(variants[0::2], variants[1::2]):
        number = count.children[0] if count.children else None
        if number is None:
            return
        size = int(number.text or 0)
        if names[position:position + size] == sheets:
            insert_at = title_vector.children[position + size - 1].end if size else \
                title_vector.open_end
            title = f"<{title_vector.prefix}lpstr>{escape(name)}</{title_vector.prefix}lpstr>"
            edits = [(number.open_end, number.close_start, str(size + 1).encode()),
                     (insert_at, insert_at, title.encode("utf-8"))]
            data = splice(data, edits)
            root, _ = parse(data, APP)
            vector = root.child(root.namespace, "TitlesOfParts").child(VT, "vector")
            parts[APP] = set_attributes(data, vector, {"size": len(vector.children)})
            return
        position += size


def drop_calc_chain(parts: dict) -> None:
    """Remove the calculation chain: it lists formula cells and goes stale on any edit."""
    if parts.pop("xl/calcChain.xml", None) is None:
        return
    relations, _ = _tree(parts, WORKBOOK_RELS)
    parts[WORKBOOK_RELS] = splice(parts[WORKBOOK_RELS], [
        (r.start, r.end, b"") for r in relations.all(PACKAGE_RELS, "Relationship")
        if r.attrs.get("Type", "").endswith("/calcChain")])
    types, _ = _tree(parts, "[Content_Types].xml")
    parts["[Content_Types].xml"] = splice(parts["[Content_Types].xml"], [
        (o.start, o.end, b"") for o in types.all(CONTENT_TYPES, "Override")
        if o.attrs.get("PartName") == "/xl/calcChain.xml"])


def force_full_calculation(parts: dict) -> None:
    """Ask Excel (and LibreOffice) to recalculate everything when the file is opened."""
    workbook, _ = _tree(parts, WORKBOOK)
    calculation = workbook.child(MAIN, "calcPr")
    if calculation is not None:
        parts[WORKBOOK] = set_attributes(parts[WORKBOOK], calculation, {"fullCalcOnLoad": 1})
        return
    later = ["oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
             "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst"]
    xml = f'<{workbook.prefix}calcPr fullCalcOnLoad="1"/>'
    for child in workbook.children:
        if child.name in later:
            parts[WORKBOOK] = splice(parts[WORKBOOK], [(child.start, child.start, xml.encode())])
            return
    parts[WORKBOOK] = splice(parts[WORKBOOK], [(workbook.close_start, workbook.close_start,
                                                xml.encode())])
