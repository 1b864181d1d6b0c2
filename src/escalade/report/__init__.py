"""Rendering: terminal tables and self-contained HTML reports. No computation."""
