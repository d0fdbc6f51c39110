# The map of the observatory: its legend, given in the page beside the map.
observatory-map-legend = Map legend
