"""xAPI: the statement store (endpoint, validation) and what statements do once stored."""
