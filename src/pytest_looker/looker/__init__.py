"""Looker itself: the API client and backend (``client``) and the local API emulator (``emulator``)."""
