package api_test

// listsMatrixRows are the matrix rows of the lists capability's routes.
func listsMatrixRows() map[string]matrixRow {
	return map[string]matrixRow{}
}
