"""Sphinx configuration: hand-written pages, no autodoc (the docs build without the extension)."""

project = "aerospike (Rust core)"
author = "the aerospike-rs developers"
extensions = ["sphinx.ext.intersphinx"]
intersphinx_mapping: dict = {}
exclude_patterns = ["_build", "architecture.md"]
html_theme = "alabaster"
nitpicky = False
