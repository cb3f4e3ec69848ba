"""`scorecard explain`: one published figure, down to its files and records."""
