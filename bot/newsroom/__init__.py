"""The newsroom side: hot reload, the report of open questions, the recorder of feedback."""
