"""XML parts read by a namespace-aware parser that also says where each element lies.

``publish`` edits an XLSX package in place, part by part, so that everything it does not
touch (charts, images, styles it does not need, unknown extensions) stays byte for byte.
A regular expression cannot find cells reliably (a valid sheet may spell its elements
``<x:c>``, put ``>`` inside attribute values or hold comments and CDATA); a parser that
rebuilds the document loses namespace declarations Excel relies on (``mc:Ignorable``).
So the part is parsed by defusedxml (no DTD, no entities: the input is untrusted) and every
element of interest is returned with its byte span; edits are splices of those spans.
"""

from __future__ import annotations

import re

from defusedxml.ElementTree import DefusedXMLParser

from ..errors import CPBError


TAG = re.compile(rb"""<([^\s/>]+)(?:[^"'>]|"[^"]*"|'[^']*')*>""")  # quotes may hold ">"


class Node:
    """An element: namespace, local name, attributes (``{ns}name`` when prefixed), children,
    text, and where it lies in the part: ``start`` (its "<"), ``open_end`` (just after its
    start tag), ``close_start`` (its end tag, == ``end`` when written ``<a/>``), ``end``
    (just after it). Spans past ``start`` are worked out when first asked for: a sheet has
    hundreds of thousands of elements and an edit needs a few."""

    __slots__ = ("namespace", "name", "attrs", "start", "text", "children", "_data",
                 "_end_event", "_qname", "_open_end")

    def __init__(self, data: bytes, namespace: str, name: str, attrs: dict, start: int):
        self._data, self.namespace, self.name, self.attrs = data, namespace, name, attrs
        self.start, self.text, self.children = start, "", []
        self._end_event, self._qname, self._open_end = start, None, None

    def _start_tag(self) -> None:
        match = TAG.match(self._data, self.start)
        if match is None:
            raise CPBError("an XML part ends inside a tag.", argument="in", value=None,
                           fix="Re-save the workbook from Excel.")
        self._qname, self._open_end = match.group(1).decode("utf-8"), match.end()

    @property
    def qname(self) -> str:
        """The element's name as written, prefix included (``"x:c"``)."""
        if self._qname is None:
            self._start_tag()
        return self._qname

    @property
    def open_end(self) -> int:
        if self._open_end is None:
            self._start_tag()
        return self._open_end

    @property
    def empty(self) -> bool:
        """Written ``<a .../>``: no end tag."""
        return self._data[self.open_end - 2] == 0x2F

    @property
    def close_start(self) -> int:
        return self.open_end if self.empty else self._end_event

    @property
    def end(self) -> int:
        return self.open_end if self.empty else self._data.index(b">", self._end_event) + 1

    @property
    def prefix(self) -> str:
        """``"x:"`` for ``<x:c>``, ``""`` for an unprefixed element."""
        qname = self.qname
        return qname[:qname.index(":") + 1] if ":" in qname else ""

    def child(self, namespace: str, name: str):
        return next((c for c in self.children if c.namespace == namespace and c.name == name),
                    None)

    def all(self, namespace: str, name: str) -> list:
        return [c for c in self.children if c.namespace == namespace and c.name == name]


def parse(data: bytes, part: str = "an XML part", depth: int | None = None
          ) -> tuple[Node, dict]:
    """(root node, {namespace: prefix}) of ``data``, refusing DTDs and entities; with
    ``depth``, only elements that many levels deep are kept (1: the root's children).

    defusedxml's parser refuses DTDs, entity declarations and external references; its
    expat parser's element handlers are ours, which note each event's byte offset."""
    parser = DefusedXMLParser(forbid_dtd=True)
    expat = parser.parser
    stack: list[Node] = []
    roots: list[Node] = []
    prefixes: dict[str, str] = {}
    deeper = 0  # elements open below ``depth``
    keep = depth + 1 if depth is not None else None

    def start(tag, attributes):
        nonlocal deeper
        if deeper or len(stack) == keep:
            deeper += 1
            return
        namespace, _, name = tag.rpartition("}")
        attrs = {}  # expat names a prefixed attribute "uri}name": ElementTree's "{uri}name"
        for index in range(0, len(attributes), 2):
            key = attributes[index]
            attrs["{" + key if "}" in key else key] = attributes[index + 1]
        node = Node(data, namespace, name, attrs, expat.CurrentByteIndex)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def end(tag):
        nonlocal deeper
        if deeper:
            deeper -= 1
        else:
            stack.pop()._end_event = expat.CurrentByteIndex

    def text(chunk):
        if stack and not deeper:
            stack[-1].text += chunk

    def namespace_declaration(prefix, uri):
        prefixes.setdefault(uri, prefix or "")

    expat.StartElementHandler, expat.EndElementHandler = start, end
    expat.CharacterDataHandler = text
    expat.StartNamespaceDeclHandler = namespace_declaration
    try:
        expat.Parse(data, True)
    except CPBError:
        raise
    except Exception as error:  # expat's syntax errors, defusedxml's refusals
        raise CPBError(f"{part}: not well-formed or unsafe XML ({type(error).__name__}: "
                       f"{error}).", argument="in", value=part,
                       fix="Re-save the workbook from Excel as a plain .xlsx.") from None
    if not roots:
        raise CPBError(f"{part}: empty XML.", argument="in", value=part,
                       fix="Re-save the workbook from Excel.")
    return roots[0], prefixes


def splice(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """``data`` with each (start, end, replacement) applied; spans must not overlap."""
    pieces, last = [], 0
    for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1])):
        if start < last:
            raise ValueError("overlapping XML edits")
        pieces += [data[last:start], replacement]
        last = end
    pieces.append(data[last:])
    return b"".join(pieces)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attribute(text: str) -> str:
    return escape(text).replace('"', "&quot;")
