"""Publishing the province's follow-up to the national level (format province-snapshot/1):
the link to the hub, the snapshot's content, the approval that freezes it, its push."""
