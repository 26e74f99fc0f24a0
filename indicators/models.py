"""Models of the indicators app arrive with their issue."""
