"""Student text as HTML: plain text escaped, math rendered as MathML.

Math is recognised in ``$…$``, ``$$…$$``, ``\\(…\\)`` and ``\\[…\\]`` and converted
with latex2mathml. Its output is NOT trusted: latex2mathml copies ``\\href`` targets
into attributes and leaves ``<`` from ``\\text{…}`` unescaped, so every formula is
re-parsed as XML and re-serialised from an allow-list of MathML elements and
attributes (values from a narrow character set). Anything else — a conversion
error, unparsable output, an element outside the list — shows the LaTeX source
escaped in ``<code>``, so a formula can fail to render but never injects markup.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache

from latex2mathml.converter import convert
from markupsafe import Markup, escape

# Presentation MathML that latex2mathml produces and browsers render; nothing that links or scripts.
_ELEMENTS = frozenset(
    "math mrow mi mn mo ms mtext mspace msub msup msubsup mfrac msqrt mroot mstyle merror "
    "mpadded mphantom mfenced menclose munder mover munderover mtable mtr mtd mlabeledtr "
    "mmultiscripts mprescripts none semantics".split()
)
_ATTRIBUTES = frozenset(
    "display displaystyle scriptlevel mathvariant mathsize mathcolor mathbackground stretchy "
    "fence separator separators form lspace rspace width height depth linethickness accent "
    "accentunder notation columnalign rowalign columnspacing rowspacing columnlines rowlines "
    "frame framespacing movablelimits symmetric largeop minsize maxsize open close rowspan "
    "columnspan equalrows equalcolumns bevelled".split()
)
# Lengths, colour names, #rgb, keywords: no quotes, parentheses, colons or slashes (no URLs).
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9 #.%+\-]{0,64}$")

# Display delimiters first so "$$x$$" is not read as two empty inline formulas. Inline $…$
# follows pandoc's rule (no space inside the dollars, no digit after the closing one) so
# "costs $5 and $6" stays text.
_MATH = re.compile(
    r"\$\$(?P<dd>.+?)\$\$|\\\[(?P<bd>.+?)\\\]|\\\((?P<bi>.+?)\\\)|\$(?!\s)(?P<di>[^$]+?)(?<!\s)\$(?!\d)",
    re.DOTALL,
)
_UNKNOWN_COMMAND = re.compile(r"^\\[A-Za-z]+")
_MAX_LATEX = 2000  # longer formulas are shown as source: OCR junk, and conversion time grows with size


class UnsafeMathML(ValueError):
    """latex2mathml produced something outside the allow-list, or a malformed tree."""


# Elements whose children are positional: the wrong count means the LaTeX was broken (``\frac{1``).
_ARITY = {"mfrac": 2, "msub": 2, "msup": 2, "msubsup": 3, "mroot": 2, "munder": 2, "mover": 2, "munderover": 3}


def _serialise(node: ET.Element) -> str:
    tag = node.tag.rpartition("}")[2]  # drop the namespace: inline MathML in HTML needs none
    if tag not in _ELEMENTS:
        raise UnsafeMathML(tag)
    if tag in _ARITY and len(node) != _ARITY[tag]:
        raise UnsafeMathML(f"{tag} with {len(node)} children")
    if tag in ("mi", "mo") and _UNKNOWN_COMMAND.match(node.text or ""):
        raise UnsafeMathML(f"unknown command {node.text}")  # latex2mathml passes it through as a symbol
    attrs = "".join(
        f' {name}="{escape(value)}"'
        for name, value in sorted(node.attrib.items())
        if name in _ATTRIBUTES and _SAFE_VALUE.match(value)
    )
    inner = str(escape(node.text or "")) + "".join(_serialise(child) + str(escape(child.tail or "")) for child in node)
    return f"<{tag}{attrs}>{inner}</{tag}>"


@lru_cache(maxsize=4096)
def latex_to_mathml(latex: str, display: bool = False) -> Markup | None:
    """Safe MathML for ``latex``, or None where it cannot be rendered."""
    if not latex.strip() or len(latex) > _MAX_LATEX:
        return None
    try:
        raw = convert(latex, display="block" if display else "inline")
        return Markup(_serialise(ET.fromstring(raw)))
    except Exception:  # noqa: BLE001 — any failure in a third-party converter on student text means "show the source"
        return None


def _formula(source: str, latex: str, display: bool) -> Markup:
    mathml = latex_to_mathml(latex.strip(), display)
    if mathml is None:
        return Markup('<code class="tex" title="formula could not be rendered">{}</code>').format(source)
    return Markup('<span class="math{}">{}</span>').format(" display" if display else "", mathml)


def render_text(text: str) -> Markup:
    """``text`` as HTML: escaped, with each recognised formula rendered as MathML."""
    parts: list[str] = []
    position = 0
    for match in _MATH.finditer(text):
        parts.append(str(escape(text[position:match.start()])))
        display = match["dd"] is not None or match["bd"] is not None
        latex = next(group for group in (match["dd"], match["bd"], match["bi"], match["di"]) if group is not None)
        parts.append(str(_formula(match.group(0), latex, display)))
        position = match.end()
    parts.append(str(escape(text[position:])))
    return Markup("".join(parts))


# A bare formula (what an item found or expected, written without $): LaTeX commands, scripts.
_BARE_LATEX = re.compile(r"\\[A-Za-z]+|[\^_]")


def render_formula(text: str) -> Markup:
    """What an item found or expected: text with ``$…$`` formulas rendered as ``render_text`` does,
    and a bare formula (``\\frac{9}{58}``, ``x^2 + C``) rendered whole; plain words escaped."""
    if "$" in text or "\\(" in text or "\\[" in text or not _BARE_LATEX.search(text):
        return render_text(text)
    return render_text(f"${text.strip()}$")
