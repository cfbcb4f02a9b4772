"""Stages that build millions of small Python objects at once: the collector paused while they do."""

from __future__ import annotations

import gc
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
