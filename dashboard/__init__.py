"""Code the dashboard pages share: database access, queries, figures, maps, formatting, components, state."""
