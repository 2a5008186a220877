package api

// fundRoutes are the fund capability's endpoints.
func fundRoutes() []route {
	return []route{}
}
