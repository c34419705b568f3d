"""Code generated from the models by scripts/gen_docs.py; never edited by hand (tests fail when stale)."""
