"""Layout factories, one module per panel. Pure: view + data in, Dash components out."""
