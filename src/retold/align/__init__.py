"""Local alignment of shared passages: seeds -> diagonal runs -> chained passages."""
