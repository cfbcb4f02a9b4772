"""Stages that build millions of small Python objects at once: the collector paused while they do, and text
split into lines without a copy of it."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a stage whose objects (rows, cells, strings) form no cycles.

    The collector runs whenever enough containers have been made, and each full pass walks every live one, so
    a stage that keeps millions of rows pays again and again for nothing it could free: at scale 100, 19 of
    the raw reader's 52 s. Reference counting still frees everything as usual; the collector resumes after,
    unless the caller had paused it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Where io.StringIO(newline="") ends a line: at "\r\n", "\r" or "\n". str.splitlines also ends one at these.
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")
_OTHER_LINE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
BLOCK_CHARACTERS = 1 << 20


def text_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ends, as ``io.StringIO(text, newline="")`` reads them, for the csv module.

    StringIO copies the text into a buffer of four bytes per character (737 MB for a 193 MB relations file);
    this walks the text a block at a time instead. A block is split by str.splitlines, in C, unless it holds a
    character that splitlines alone takes for a line end (a vertical tab, a form feed, ...)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start + BLOCK_CHARACTERS)
        end = len(text) if end < 0 else end + 1
        block = text[start:end]
        if _OTHER_LINE_BREAKS.search(block):
            yield from (match.group() for match in _LINE.finditer(block))
        else:
            yield from block.splitlines(keepends=True)
        start = end
