"""formcheck — a running-form checker for phone videos.

The public entry point is :func:`formcheck.pipeline.analyze_video`; every front end (CLI, batch,
web) calls it and gets the same :class:`formcheck.schema.Analysis`.
"""

__version__ = "0.1.0"
