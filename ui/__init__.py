"""Small shared pieces of screen."""
