"""Redaction benchmark: per-record cost beside the SDK's own emit, recall, false alterations."""
