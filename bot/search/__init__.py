"""Search: the one text analysis, index, typo table, query and scoring, joined by Matcher."""
