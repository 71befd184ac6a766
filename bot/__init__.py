"""OrderDesk: a Telegram bot through which a small seller runs its whole order desk in chat."""
