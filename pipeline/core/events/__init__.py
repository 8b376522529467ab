"""Events stage: CAMEO-coded events (who did what to whom, when, where) from articles and their mentions."""
