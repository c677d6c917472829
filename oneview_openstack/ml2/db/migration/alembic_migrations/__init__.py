"""alembic's environment (``env.py``) and revisions (``versions/``) of the driver's tables."""
