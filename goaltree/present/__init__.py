"""How values read in every output: one number formatter and one escaper per output language.

This package sits below everything that writes output (the command line, the
renderers, the reports, the rules' messages) and imports nothing of goaltree,
so that each of them can use it and a figure reads the same everywhere.
"""
