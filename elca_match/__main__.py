"""`python -m elca_match` runs the command line."""

from .cli import main

main()
