"""Group documents: families (copies of one text) and stories (one event)."""
