"""Funnel: a terminal CRM for running a sales funnel."""

__version__ = "0.1.0"
