"""Platforms: each folder or module turns one platform's updates into neutral inbounds and
renders neutral replies."""
