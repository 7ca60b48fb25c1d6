"""Emulation clusters (*cụm thi đua*, issue 12): grouping units into clusters and the yearly
rotation of each cluster's head and deputies.

:mod:`.rotation` (the rotation, pure Python) and :mod:`.rotation_io` (its files) are loaded on use;
nothing is imported here, so ``import matcher.clusters`` stays light.
"""
