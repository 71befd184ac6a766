"""Multi-step flows, one module each, with a Mermaid diagram beside it."""
