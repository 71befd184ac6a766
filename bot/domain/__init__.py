"""Business rules with no framework in them: models, the order state machine, pricing, parsers."""
