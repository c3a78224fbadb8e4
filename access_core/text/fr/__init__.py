"""The French texts, one module per surface."""
