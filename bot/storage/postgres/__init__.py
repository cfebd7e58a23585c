"""The PostgreSQL backend of bot.storage (NEWSBOT_DATABASE_URL): a pool, the SQL, the migrations."""
