"""What this instrumentation instruments: the stdlib ``logging`` module, always present."""

_instruments: tuple[str, ...] = ()
