"""Benchmark of FastOTLPLogExporter's two HTTP transports: lean http.client against requests.

CPU and wall time per request against a real rotel collector that discards what it
receives, and what an application thread loses while a background thread exports.
See ``__main__`` for the command.
"""
