"""Handlers: parse the update, call one service, render the answer."""
