"""Storage: one database layer for statistics, open questions and subscriptions.

interface.py is what the bot calls (async Protocols and records), backend.py opens the one
database of a process, scrub.py cleans questions before any backend keeps them, and sqlite/
is the backend of today: one connection in a thread of its own, its SQL, its migrations.
"""
