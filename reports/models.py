"""Models of the reports app arrive with their issue."""
