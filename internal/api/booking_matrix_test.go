package api_test

// bookingMatrixRows are the matrix rows of the booking capability's routes.
func bookingMatrixRows() map[string]matrixRow {
	return map[string]matrixRow{}
}
