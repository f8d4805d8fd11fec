"""lyg-data: open data from the Lianyungang municipal government gazette.

``from etl import load`` is the analyst's entry point (see etl/load.py); everything else
is the pipeline. Kept import-light: pandas loads on the first ``load()`` call.
"""

from etl.load import load

__all__ = ["load"]
