"""The six GAO checks, one module each; ``oversight.compliance`` is their public face."""
