"""Drawing results: static maps, the offline web map, the review pack. Reads results; never solves."""
