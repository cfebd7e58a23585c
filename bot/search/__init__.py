"""Search: the one text analysis, the index over the knowledge, typos, query and scoring."""
