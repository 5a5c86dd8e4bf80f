"""Route tables of the emulator, one module per area of Looker's API."""
