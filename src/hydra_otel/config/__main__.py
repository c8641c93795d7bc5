"""``python -m hydra_otel.config`` prints the HYDRA_* settings table for the README."""

from hydra_otel.config._docs import settings_table

print(settings_table())
