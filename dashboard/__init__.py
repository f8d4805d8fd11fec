"""The dashboard: a Chinese-first Plotly Dash app over the published datasets in ``datasets/``.

``python -m dashboard`` serves it on 127.0.0.1:8050; ``gunicorn dashboard.app:server`` in
production. It reads only published files (through ``dashboard.data``), never the gazettes.
"""
