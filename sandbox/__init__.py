"""Try the bot without Telegram: a local stand-in of the Bot API and a web chat page."""
