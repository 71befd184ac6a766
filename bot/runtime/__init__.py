"""The runtime layer: how updates come in, chats run side by side, state is kept and the Bot
API is called (see README.md beside this file)."""
