"""Code the dashboard pages share: database access, queries, figures, maps, formatting, components, state."""

# The heavy libraries are imported here, once, under this package's import lock: when several first visits
# after a restart import the dashboard in parallel threads, the others wait until these are complete (plotly
# reads pandas from sys.modules, and a half-imported pandas gave "has no attribute 'Series'").
import duckdb  # noqa: F401
import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401
import polars  # noqa: F401
import pydeck  # noqa: F401
