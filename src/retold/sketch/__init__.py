"""Sketches: MinHash signatures, LSH banding, rare-anchor candidate search."""
