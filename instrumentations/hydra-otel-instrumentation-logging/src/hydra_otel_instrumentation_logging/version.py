"""Version of the hydra stdlib logging bridge."""

__version__ = "0.1.0"
