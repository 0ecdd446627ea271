"""The service's measures (issue 9): the figures managers read at /insight, the duty
room's wallboard, and the Annex A return inspectors ask for.

routes.py is the JSON API and pages.py the pages; service.py works out the figures that
queries.py aggregates in SQL (sql.py: what SQLite and PostgreSQL spell differently);
wallboard.py is the live board, annex_a.py the return; report.py, charts.py and words.py
turn figures into the pages' charts, tables and sentences.
"""
