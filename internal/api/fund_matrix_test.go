package api_test

// fundMatrixRows are the matrix rows of the fund capability's routes.
func fundMatrixRows() map[string]matrixRow {
	return map[string]matrixRow{}
}
