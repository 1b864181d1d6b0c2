r"""Reading source texts and normalising them for quote matching.

:func:`normalise` folds typography (curly and straight quotes, dashes,
ellipses, odd whitespace and line breaks) and case, and keeps a map from
every character of the normalised text back to its offset in the original,
so that a match found in the normalised text can be reported in the
original (file offset, line, column). It is vectorised with NumPy, so a
10 MB text normalises in well under a second.

:func:`read_source_text` reads an article or source file as UTF-8 text with
clear errors for the usual bad inputs, and turns HTML into plain text.

Examples
--------
>>> n = normalise("He said \u201cWe\u2019re\u00a0ready\u2026\u201d")
>>> n.text
'he said "we\'re ready..."'
>>> n.original_span(9, 16)
(9, 16)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import numpy.typing as npt

from escalade.errors import EvidenceError

__all__ = [
    "DESIGNATORS",
    "MAX_SOURCE_BYTES",
    "QUANTITY_START",
    "NormalisedText",
    "html_to_text",
    "line_col",
    "looks_like_html",
    "normalise",
    "read_source_text",
]

DESIGNATORS = (
    "Article", "Articles", "Resolution", "Resolutions", "Section", "Chapter", "Clause",
    "Paragraph", "Protocol", "Phase", "Stage", "Level", "DEFCON", "Flight", "Reactor", "Unit",
    "Zone", "Sector", "Route", "Highway", "Hill", "No.",
)  # fmt: skip
"""Capitalised words whose number names something ("Article 5", "Resolution 338")."""

QUANTITY_START = r"(?<![\w.])(?<![^\W\d_][-\u2010\u2011])" + "".join(
    rf"(?<!\b(?-i:{re.escape(word)}) )" for word in DESIGNATORS
)
"""A regex lookbehind to put before a number's first digit: the number is a quantity.

A number glued to a letter, a digit or a point ("MH17", the "7" of "17"), or to
letters by a hyphen ("K-1", "F-35", "COVID-19", "Su-27", "S-400"), is part of a
name, not a quantity; so is one after a capitalised word of :data:`DESIGNATORS`
("Article 5", "Resolution 338", "DEFCON 3", "Resolution No. 242"; lower case,
"this stage 40 people", stays a quantity). A number after a space, a sign or
another number's hyphen stays one: "-5", both ends of "10-12 weeks".
"""
MAX_SOURCE_BYTES = 20 * 1024 * 1024
"""The largest source or article file read (20 MB)."""

_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u00b4\u0060\u02bc\u2039\u203a"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u301d\u301e"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_DROPPED = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

_TABLE: dict[int, str] = {
    **{ord(c): "'" for c in _SINGLE_QUOTES},
    **{ord(c): '"' for c in _DOUBLE_QUOTES},
    **{ord(c): "-" for c in _DASHES},
    **{ord(c): " " for c in _SPACES},
    **{ord(c): "" for c in _DROPPED},
    0x2026: "...",  # horizontal ellipsis
    0x0130: "i",  # capital I with dot: the one character whose lower() is two characters
}
_TABLE_LENGTHS = {code: len(out) for code, out in _TABLE.items() if len(out) != 1}


@dataclass(frozen=True, eq=False)
class NormalisedText:
    """A normalised text with a map back to the original.

    Parameters
    ----------
    text : str
        The normalised text: typography folded, whitespace runs collapsed to
        one space, lower case.
    offsets : numpy.ndarray
        ``offsets[i]`` is the offset in ``original`` of the character that
        produced ``text[i]``.
    original : str
        The text before normalisation.
    """

    text: str
    offsets: npt.NDArray[np.int64] = field(repr=False)
    original: str = field(repr=False)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Return the ``[start, end)`` span of the original covered by ``text[start:end]``."""
        if end <= start:
            at = int(self.offsets[start]) if start < len(self.offsets) else len(self.original)
            return at, at
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1


def _codepoints(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def normalise(text: str) -> NormalisedText:
    """Fold typography, whitespace and case, keeping a map to original offsets.

    Curly and low quotes become ``'`` or ``"``; en/em dashes, non-breaking
    hyphens and minus signs become ``-``; ``…`` becomes ``...``; every run
    of whitespace (including non-breaking spaces and line breaks) becomes
    one space; soft hyphens and zero-width characters are dropped; the text
    is lower-cased.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    NormalisedText
    """
    if not text:
        return NormalisedText("", np.zeros(0, dtype=np.int64), text)
    source = _codepoints(text)
    lengths = np.ones(source.shape[0], dtype=np.int64)
    for code, length in _TABLE_LENGTHS.items():
        lengths[source == code] = length
    offsets = np.repeat(np.arange(source.shape[0], dtype=np.int64), lengths)
    folded = text.translate(_TABLE).lower()
    points = _codepoints(folded)
    if points.shape[0] != offsets.shape[0]:  # pragma: no cover - lower() kept lengths above
        raise AssertionError("normalise: length map out of step")
    space = points == 0x20
    keep = ~(space & np.concatenate(([False], space[:-1])))
    points = points[keep]
    offsets = offsets[keep]
    return NormalisedText(points.tobytes().decode("utf-32-le"), offsets, text)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of character ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


_HTML_START = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_TAGS = re.compile(r"</(?:p|div|span|a|body|html|script|li|h[1-6])\s*>", re.I)


def looks_like_html(text: str) -> bool:
    """Return True if ``text`` looks like an HTML document or fragment."""
    if _HTML_START.match(text):
        return True
    head = text[:100_000]
    return head.lstrip().startswith("<") and len(_HTML_TAGS.findall(head)) >= 2


_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object"})
_BLOCKS = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
        "article", "section", "header", "footer", "blockquote", "title", "figcaption", "pre",
        "hr", "aside", "main", "nav", "dd", "dt",
    }
)  # fmt: skip


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag in _SKIPPED:
            self.skip_depth += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(data)


_INLINE_SPACE = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\s*\n\s*\n\s*")


def html_to_text(html: str) -> str:
    """Return the visible text of an HTML page, one paragraph per block.

    Scripts, styles and other non-text elements are dropped; character
    references are decoded; block elements become paragraph breaks.
    """
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = _INLINE_SPACE.sub(" ", "".join(parser.parts))
    text = _BLANK_LINES.sub("\n\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip() + "\n"


def read_source_text(path: str | Path) -> str:
    """Read an article or source file as text.

    Parameters
    ----------
    path : str or path-like
        A UTF-8 text or HTML file of at most 20 MB.

    Returns
    -------
    str
        The text; for HTML, the visible text (see :func:`html_to_text`).

    Raises
    ------
    EvidenceError
        If the file is missing, a directory, empty, larger than 20 MB,
        binary (contains NUL bytes) or not UTF-8; the message says where,
        what was expected and found, and how to fix it.
    """
    file = Path(path)
    if not file.exists():
        raise EvidenceError(f"{file}: expected a text file, found nothing at this path (check it)")
    if not file.is_file():
        raise EvidenceError(f"{file}: expected a text file, found a directory or special file")
    size = file.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise EvidenceError(
            f"{file}: expected a text of at most {MAX_SOURCE_BYTES // 2**20} MB, found "
            f"{size / 2**20:.1f} MB (split the file or keep only the article)"
        )
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise EvidenceError(f"{file}: expected a readable file, found {exc.strerror}") from None
    return _decode(file, data)


def _decode(file: Path, data: bytes) -> str:
    if b"\x00" in data:
        at = data.index(b"\x00")
        raise EvidenceError(
            f"{file}: expected UTF-8 text, found binary data (a NUL byte at offset {at}) "
            "(save the article as plain UTF-8 text or HTML)"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise EvidenceError(
            f"{file}:{line}: expected UTF-8 text, found the byte 0x{data[exc.start]:02x} at "
            f"offset {exc.start}, which is not UTF-8 (re-save the file as UTF-8)"
        ) from None
    if not text.strip():
        raise EvidenceError(f"{file}: expected some text, found an empty file")
    if looks_like_html(text):
        text = html_to_text(text)
        if not text.strip():
            raise EvidenceError(f"{file}: expected an HTML page with visible text, found none")
    return text
