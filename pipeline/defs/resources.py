"""Where the pipeline reads raw files and writes working tables."""


from pathlib import Path

import dagster as dg


class VostokPaths(dg.ConfigurableResource):
    """Folders the pipeline works in (relative paths resolve from the working directory)."""

    raw_dir: str = "raw"
    dataset_dir: str = "dataset/current"
    releases_dir: str = "dataset/releases"

    @property
    def raw(self) -> Path:
        return Path(self.raw_dir)

    @property
    def dataset(self) -> Path:
        return Path(self.dataset_dir)

    @property
    def releases(self) -> Path:
        return Path(self.releases_dir)
