"""Explain a pair: typed differences and which side came first."""
