"""One module per view; each is a thin widget over studio.core calls."""
