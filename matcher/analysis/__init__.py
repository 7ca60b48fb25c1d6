"""Answers built on the engine's public functions: diagnosis, why this partner, what if.

Import the functions from their modules (or from ``matcher``): a re-export here would
shadow the submodules of the same name (``matcher.analysis.diagnose``).
"""
