"""Sign-off of a quarter's figures, the lock it puts on them, and restatements."""
