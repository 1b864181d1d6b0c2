"""The dashboard's routes, one router per concern.

- :mod:`~escalade.web.routes.api`: the JSON API under ``/api`` (in the OpenAPI document);
- :mod:`~escalade.web.routes.pages`: HTML pages (templates in ``escalade/web/templates``);
- :mod:`~escalade.web.routes.downloads`: ``report.html`` and Parquet downloads, and the
  assets pages load (plotly.js, the favicon).
"""

from __future__ import annotations

from escalade.web.routes import api, downloads, pages

__all__ = ["ROUTERS"]

ROUTERS = (api.router, pages.router, downloads.router)
