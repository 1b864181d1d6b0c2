"""The dashboard (the web extra): a thin FastAPI app over the library."""
