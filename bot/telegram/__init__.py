"""The Telegram adapter: python-telegram-bot handlers around the engine. Only this package
imports telegram."""
