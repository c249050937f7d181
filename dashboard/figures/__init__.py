"""Figures: pure functions from data and a View to plotly figures (no dash imports)."""
