"""The domain's rules, each in one place: every command, import and query that needs
one asks it here instead of writing it again."""
