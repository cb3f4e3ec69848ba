"""The deployed service against a throwaway PostgreSQL (docs/deploy.md)."""
