"""A free TCP port on this machine, for the servers tests start (S3, SMTP, PostgreSQL, nginx)."""

import socket


def free_port() -> int:
    """A port nothing listens on now; a server started later may still find it taken, so
    callers that bind after choosing retry or fail with the server's message."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
