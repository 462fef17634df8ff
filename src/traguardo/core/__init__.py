"""Traguardo's domain core: the plan as plain data and the SMVP scoring rules.

Pure Python on purpose: no Django import may appear here (a test enforces it), so the
rules can be tested with tables of cases, benchmarked, and reused by the web app, the
API, the reports and the command line alike. The flow is fetch -> compute -> render:
callers build a :class:`~traguardo.core.model.Plan`, call
:func:`~traguardo.core.engine.score_plan`, and render the
:class:`~traguardo.core.results.PlanScore`.
"""
