"""What the Région learns from the conversations: anonymous search events (events.py), the
report of demand and unmet demand (report.py) with small-cell suppression (secret.py), rendered
as HTML with a map, CSV or JSON (render.py), and a year of simulated events for a demo
(simulation.py)."""
