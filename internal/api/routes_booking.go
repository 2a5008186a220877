package api

// bookingRoutes are the booking capability's endpoints.
func bookingRoutes() []route {
	return []route{}
}
