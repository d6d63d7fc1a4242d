"""Analytics: the figures of DESIGN.md ("Definitions of the figures") as plain result objects.

Counting runs as SQL aggregates in the store (storage/analytics_queries.py, behind the
`AnalyticsReader` port); the functions here turn those counts into ratios and flags. Nothing
here imports Textual or Rich: the app, the CLI and the wall dashboard all render the same
results.
"""
