"""Aleppo situation map: a sourced map dashboard of the Aleppo crisis, April-May 2016."""

__version__ = "0.1.0"
