"""What a notebook publishes: tables as CSV and figures as PNG, beside its HTML report.

A notebook makes one :class:`Report` and passes every published table and figure through
it, so that suppression and file writing happen in one place.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .disclosure import DEFAULT_MIN_CELL_SIZE, suppress


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so no half-written file remains."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Report:
    """Collects the tables and figures one notebook publishes.

    Parameters
    ----------
    output_dir : str or Path
        Folder of this notebook's outputs. Tables go to ``tables/``, figures to ``figures/``.
    min_cell_size : int
        Cells resting on fewer respondents than this are suppressed.

    Examples
    --------
    >>> report = Report("/tmp/pra-report", min_cell_size=5)   # doctest: +SKIP
    >>> report.table(counts, "participation", count="n")      # doctest: +SKIP
    """

    def __init__(self, output_dir, *, min_cell_size: int = DEFAULT_MIN_CELL_SIZE):
        self.output_dir = Path(output_dir)
        self.min_cell_size = int(min_cell_size)
        self.tables: dict[str, pd.DataFrame] = {}
        (self.output_dir / "tables").mkdir(parents=True, exist_ok=True)

    def table(self, data: pd.DataFrame, name: str, *, count: str | None = "n", columns: list[str] | None = None) -> pd.DataFrame:
        """Suppress small cells, write ``tables/<name>.csv`` and return the published table.

        ``count`` names the column of respondent counts that suppression reads; pass
        ``None`` for a table that counts no people (for example a list of hazards).
        """
        published = data if count is None else suppress(data, count=count, min_cell_size=self.min_cell_size, columns=columns)
        self.tables[name] = published
        atomic_write_text(self.output_dir / "tables" / f"{name}.csv", published.to_csv(index=False, lineterminator="\n"))
        return published

    def figure(self, fig, name: str):
        """Save a matplotlib figure as ``figures/<name>.png`` and return it for display."""
        path = self.output_dir / "figures" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.", suffix=".png")
        os.close(fd)
        try:
            fig.savefig(tmp, dpi=110, bbox_inches="tight", metadata={"Software": None})
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return fig
