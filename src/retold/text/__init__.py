"""Text stages: normalise (with offset maps), tokenise, shingle, sentences."""
