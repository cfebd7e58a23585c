"""Knowledge files: read, validate, check across files, readability and the self-test."""
