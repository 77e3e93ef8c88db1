"""Many cases at once: reading them, re-determining them on a Dask cluster, synthesising them."""
