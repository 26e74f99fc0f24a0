"""Models of the dialogues app arrive with their issue."""
