"""Storage: one database layer for statistics, open questions and subscriptions."""
