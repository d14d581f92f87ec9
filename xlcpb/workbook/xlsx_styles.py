"""The workbook's cell styles (``xl/styles.xml``): variants added, every other style kept.

A cell publish replaces by its value gets a copy of its own style with a pale orange fill;
``--lock`` gives formula cells a locked copy of theirs; the guard banner a red differential
style. The part is read with the namespace-aware parser and only appended to.
"""

from __future__ import annotations

from ..errors import CPBError
from .xlsx_parts import (MAIN, RELS, add_part, append_child, insert_in_order, set_attributes,
                         start_tag)
from .xml_spans import parse, splice

STYLES_ORDER = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs",
                "cellStyles", "dxfs", "tableStyles", "colors", "extLst"]
STYLES_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
MARK_FILL = ('<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="FFFCE4D6"/>'
             '<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>')


class StyleSheet:
    """Variants of the workbook's cell styles (a marking fill, a locked flag), added to
    ``xl/styles.xml`` by :meth:`save`; every other style is left as it was."""

    PART = "xl/styles.xml"

    def __init__(self, parts: dict) -> None:
        self.parts = parts
        if self.PART not in parts:  # a minimal workbook: Excel's defaults, written out
            add_part(parts, self.PART, (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet '
                f'xmlns="{MAIN}"><fonts count="1"><font/></fonts><fills count="2"><fill>'
                '<patternFill patternType="none"/></fill><fill><patternFill '
                'patternType="gray125"/></fill></fills><borders count="1"><border/></borders>'
                '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf/>'
                "</cellXfs></styleSheet>").encode(), RELS + "/styles", STYLES_CONTENT)
        self.root, _ = parse(parts[self.PART], self.PART)
        self.data = parts[self.PART]
        self.prefix = self.root.prefix
        xfs = self.root.child(MAIN, "cellXfs")
        if xfs is None or self.root.child(MAIN, "fills") is None:
            raise CPBError(f"{self.PART} has no cell styles or fills.", argument="in",
                           value=self.PART, fix="Re-save the workbook from Excel.")
        self.xfs = [self.data[x.start:x.end].decode("utf-8") for x in xfs.all(MAIN, "xf")]
        self.unlocked = self._unlocked()
        self.added: list[str] = []
        self.variants: dict = {}
        self.fill_id = None
        self.dxfs: list[str] = []

    def _xf(self, index: int) -> str:
        return self.xfs[index] if index < len(self.xfs) else self.xfs[0]

    def variant(self, index: int | None, marked: bool = False, locked: bool | None = None
                ) -> int:
        """The index of style ``index`` with a pale orange fill and/or a locked flag."""
        index = index or 0
        key = (index, marked, locked)
        if key in self.variants:
            return self.variants[key]
        xf = self._xf(index)
        if marked:
            if self.fill_id is None:
                fills = self.root.child(MAIN, "fills")
                self.fill_id = len(fills.all(MAIN, "fill"))
            xf = start_tag(xf[:xf.index(">") + 1].encode(), {"fillId": self.fill_id,
                                                             "applyFill": 1}).decode() + \
                xf[xf.index(">") + 1:]
        if locked is not None:
            xf = self._with_protection(xf, locked)
        self.variants[key] = len(self.xfs) + len(self.added)
        self.added.append(xf)
        return self.variants[key]

    def _with_protection(self, xf: str, locked: bool) -> str:
        p = self.prefix
        declaration = f"xmlns:{p[:-1]}" if p else "xmlns"
        raw = f'<r {declaration}="{MAIN}">{xf}</r>'.encode("utf-8")
        element = parse(raw)[0].children[0]
        protection = element.child(MAIN, "protection")
        if protection is not None:
            raw = set_attributes(raw, protection, {"locked": int(locked)})
        else:
            raw = append_child(raw, element, f'<{p}protection locked="{int(locked)}"/>')
        raw = set_attributes(raw, parse(raw)[0].children[0], {"applyProtection": 1})
        element = parse(raw)[0].children[0]
        return raw[element.start:element.end].decode("utf-8")

    def locked(self, index: int | None) -> bool:
        """Whether style ``index`` locks its cells (Excel's default: locked)."""
        index = index or 0
        return (index if index < len(self.xfs) else 0) not in self.unlocked

    def _unlocked(self) -> set:
        """Indexes of the styles whose cells are unlocked (``<protection locked="0"/>``)."""
        xfs = self.root.child(MAIN, "cellXfs")
        found = set()
        for index, xf in enumerate(xfs.all(MAIN, "xf")):
            protection = xf.child(MAIN, "protection")
            if protection is not None and protection.attrs.get("locked") in ("0", "false"):
                found.add(index)
        return found

    def red_banner(self) -> int:
        """A differential style (conditional formatting): white bold text on red."""
        p = self.prefix
        self.dxfs.append(f'<{p}dxf><{p}font><{p}b/><{p}color rgb="FFFFFFFF"/></{p}font>'
                         f'<{p}fill><{p}patternFill patternType="solid"><{p}bgColor '
                         f'rgb="FFC00000"/></{p}patternFill></{p}fill></{p}dxf>')
        existing = self.root.child(MAIN, "dxfs")
        return (len(existing.all(MAIN, "dxf")) if existing is not None else 0) + \
            len(self.dxfs) - 1

    def save(self) -> None:
        if not self.added and not self.dxfs:
            return
        data, root = self.data, self.root
        edits = []
        if self.fill_id is not None:
            fills = root.child(MAIN, "fills")
            edits.append((fills.close_start, fills.close_start,
                          MARK_FILL.format(p=self.prefix).encode()))
        xfs = root.child(MAIN, "cellXfs")
        edits.append((xfs.close_start, xfs.close_start, "".join(self.added).encode("utf-8")))
        data = splice(data, edits)
        root, _ = parse(data, self.PART)
        data = set_attributes(data, root.child(MAIN, "fills"),
                              {"count": len(root.child(MAIN, "fills").all(MAIN, "fill"))})
        root, _ = parse(data, self.PART)
        data = set_attributes(data, root.child(MAIN, "cellXfs"),
                              {"count": len(root.child(MAIN, "cellXfs").all(MAIN, "xf"))})
        if self.dxfs:
            root, _ = parse(data, self.PART)
            dxfs = root.child(MAIN, "dxfs")
            if dxfs is None:
                data = insert_in_order(data, root, "dxfs",
                                       f'<{self.prefix}dxfs count="0"></{self.prefix}dxfs>',
                                       STYLES_ORDER)
                root, _ = parse(data, self.PART)
                dxfs = root.child(MAIN, "dxfs")
            data = append_child(data, dxfs, "".join(self.dxfs))
            root, _ = parse(data, self.PART)
            dxfs = root.child(MAIN, "dxfs")
            data = set_attributes(data, dxfs, {"count": len(dxfs.all(MAIN, "dxf"))})
        self.parts[self.PART] = data
