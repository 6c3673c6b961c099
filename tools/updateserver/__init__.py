"""AutoConnect's update server for MicroPython boards: `python -m tools.updateserver`.

Modules: paths (request paths -> catalog-relative ones), catalog (listings, MD5/version cache),
checks (header gate, 304, Basic auth), ranges (HTTP byte ranges), fileheaders (a file's headers),
page (the HTML listing), handler (HTTP), server (threaded server and its lifetime), export (a
static tree and nginx maps; nginx.conf.template is the nginx configuration)."""
