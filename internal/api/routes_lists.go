package api

// listsRoutes are the lists capability's endpoints.
func listsRoutes() []route {
	return []route{}
}
