"""The service's measures (issue 9): the figures managers read at /insight, the duty
room's wallboard, and the Annex A return inspectors ask for.

routes.py is the JSON API, pages.py the pages; service.py works out the figures that
queries.py aggregates in SQL (sql.py: what SQLite and PostgreSQL spell differently);
wallboard.py the live board, annex_a.py the return, charts.py the pages' SVG charts.
"""
