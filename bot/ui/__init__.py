"""The edge's presentation: callback data, labels, keyboards and message texts."""
