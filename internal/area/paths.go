package area

// Chain returns path and the path of every area above it, top first:
// /310104/001/001/ → /310104/, /310104/001/, /310104/001/001/. A demand's
// figures are kept at each (rollups), and a notice to an area's staff
// "and above" reaches each. A path without an area ("", "/") has none.
func Chain(path string) []string {
	var out []string
	for i := 1; i < len(path); i++ {
		if path[i] == '/' {
			out = append(out, path[:i+1])
		}
	}
	return out
}

// AtDepth returns the path of the area depth levels from the top on the
// way to path (1: the root, 2: the street, 3: the residential area), or
// path itself when it lies higher. It allocates nothing: the duplicate
// check calls it for every demand it indexes.
func AtDepth(path string, depth int) string {
	n := 0
	for i := 1; i < len(path); i++ {
		if path[i] == '/' {
			if n++; n == depth {
				return path[:i+1]
			}
		}
	}
	return path
}
