"""The SQLite backend of bot.storage: one connection in one thread, the SQL, the migrations."""
