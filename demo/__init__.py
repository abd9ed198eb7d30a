"""Demo and benchmark data: the five press reports' situations and a country-sized data set.

The registry, the reports and the import never import this app; it writes through their
models (in bulk, then rebuilds what the services would have kept up to date).
"""
