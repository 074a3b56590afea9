"""Sourced event records of the 1962 Ili–Tacheng exodus, and the map built from them."""

__version__ = "0.1.0"
