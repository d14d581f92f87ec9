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

from dataclasses import dataclass, field

from defusedxml.ElementTree import DefusedXMLParser

from ..errors import CPBError


@dataclass
class Node:
    """An element: namespace, local name, attributes (``{ns}name`` when prefixed), spans."""

    namespace: str
    name: str
    attrs: dict
    start: int              # offset of its "<"
    open_end: int = 0       # offset just after its start tag
    close_start: int = 0    # offset of its end tag ("</"), == end when it is empty ("/>")
    end: int = 0            # offset just after it
    text: str = ""
    children: list = field(default_factory=list)
    qname: str = ""         # the element's name as written, prefix included ("x:c")

    @property
    def prefix(self) -> str:
        """``"x:"`` for ``<x:c>``, ``""`` for an unprefixed element."""
        return self.qname[:self.qname.index(":") + 1] if ":" in self.qname else ""

    def child(self, namespace: str, name: str):
        return next((c for c in self.children if c.namespace == namespace and c.name == name),
                    None)

    def all(self, namespace: str, name: str) -> list:
        return [c for c in self.children if c.namespace == namespace and c.name == name]

    @property
    def empty(self) -> bool:
        return self.close_start == self.end


def _tag_end(data: bytes, position: int) -> int:
    """The offset just after the tag starting at ``position`` (quotes may hold ">")."""
    quote = None
    for index in range(position, len(data)):
        byte = data[index]
        if quote is not None:
            if byte == quote:
                quote = None
        elif byte in (0x22, 0x27):
            quote = byte
        elif byte == 0x3E:
            return index + 1
    raise CPBError("an XML part ends inside a tag.", argument="in", value=None,
                   fix="Re-save the workbook from Excel.")


class _Builder:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.parser = None
        self.stack: list[Node] = []
        self.root: Node | None = None
        self.prefixes: dict[str, str] = {}  # namespace -> first prefix declared for it

    def start_ns(self, prefix, uri):
        self.prefixes.setdefault(uri, prefix or "")

    def start(self, tag, attrs):
        namespace, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        position = self.parser.parser.CurrentByteIndex
        open_end = _tag_end(self.data, position)
        qname_end = position + 1
        while self.data[qname_end] not in b" \t\r\n/>":
            qname_end += 1
        node = Node(namespace, name, dict(attrs), position, open_end,
                    qname=self.data[position + 1:qname_end].decode("utf-8"))
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def data_(self, text):
        if self.stack:
            self.stack[-1].text += text

    def end(self, tag):
        node = self.stack.pop()
        if self.data[node.open_end - 2] == 0x2F:  # <c .../>: no end tag
            node.close_start = node.end = node.open_end
        else:
            position = self.parser.parser.CurrentByteIndex
            node.close_start, node.end = position, _tag_end(self.data, position)


def parse(data: bytes, part: str = "an XML part") -> tuple[Node, dict]:
    """(root node, {namespace: prefix}) of ``data``, refusing DTDs and entities."""
    builder = _Builder(data)
    target = type("Target", (), {"start": builder.start, "end": builder.end,
                                 "data": builder.data_, "start_ns": builder.start_ns})()
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    builder.parser = parser
    try:
        parser.feed(data)
        parser.close()
    except CPBError:
        raise
    except Exception as error:  # expat's syntax errors, defusedxml's refusals
        raise CPBError(f"{part}: not well-formed or unsafe XML ({type(error).__name__}: "
                       f"{error}).", argument="in", value=part,
                       fix="Re-save the workbook from Excel as a plain .xlsx.") from None
    if builder.root is None:
        raise CPBError(f"{part}: empty XML.", argument="in", value=part,
                       fix="Re-save the workbook from Excel.")
    return builder.root, builder.prefixes


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
