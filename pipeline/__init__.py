"""Vostok: Russian-language news about Northeast Asia → clean, linked, validated tables.

``pipeline.load(table, version="latest")`` loads a published release table into pandas.
"""


def load(table: str, version: str = "latest", root=None):
    from .loading import load as _load

    return _load(table, version, root)
