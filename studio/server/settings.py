"""What ``studio serve`` is told: its options, else the library's
``server.*`` settings, else these defaults."""

from __future__ import annotations

import ipaddress

from studio.core.serving import ServerSettings

__all__ = ["ServerSettings", "is_loopback_host"]


def is_loopback_host(host: str) -> bool:
    """Whether binding to ``host`` serves this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
