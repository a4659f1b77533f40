"""Numbered, append-only SQL migrations (NNNN_name.sql), applied by marketbot.storage.db."""
