"""The settings screen (DESIGN.md, Screens 6) and its panes: one module per tab."""
