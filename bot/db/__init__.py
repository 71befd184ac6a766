"""The one place SQL lives: the connection, migrations and repositories."""

from bot.db.database import Database, UnitOfWork

__all__ = ["Database", "UnitOfWork"]
