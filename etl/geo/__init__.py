"""Offline geodata and geocoding for the heritage-sites dataset."""
