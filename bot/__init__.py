"""newsbot: explains current news to young readers."""
