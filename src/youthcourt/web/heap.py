"""Keep the objects made at start-up out of the garbage collector's full passes while serving.

CPython's collector now and then walks every container object in the process. A started app holds
about 240,000 of them (modules, mappers, routes, templates, the locale catalogs), and one such
walk took 100-200 ms on this stack: a pause in which no request is answered, the longest wait of
the busiest pages under load. Those objects live as long as the process, so the app moves them
to the collector's permanent generation (``gc.freeze``) once it has started, and back when it
stops, where a test process's next app would otherwise keep the last one's objects alive.

The objects are frozen without a collection first: one costs as much as the pauses it saves, on
every start of a test's app; what little start-up garbage is frozen with them is freed at stop.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    gc.freeze()


def thaw_startup_objects() -> None:
    gc.unfreeze()
