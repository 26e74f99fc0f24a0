"""Models of the contributions app arrive with their issue."""
