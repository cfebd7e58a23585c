"""The short-lived state every process of the bot shares: in memory (one process) or in Redis.

interface.py is what the adapter calls, memory.py and redis.py the two backends, keys.py the
keyed hash that keeps chat ids out of Redis, flood.py the flood gate's bucket rule, and
backend.py opens the one the settings ask for.
"""
