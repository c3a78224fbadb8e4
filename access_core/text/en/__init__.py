"""The English texts, one module per surface."""
