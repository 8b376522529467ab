"""Vostok: Russian-language news about Northeast Asia → clean, linked, validated tables.

``pipeline.load(table, version="latest")`` loads a published release table into pandas;
``pipeline.rehydrate(articles, pages)`` restores full bodies from one's own copy of the pages.
"""


def load(table: str, version: str = "latest", root=None):
    from .loading import load as _load

    return _load(table, version, root)


def rehydrate(articles, pages):
    from .loading import rehydrate as _rehydrate

    return _rehydrate(articles, pages)
