package api

// bookingSchemas are the named schemas of the booking capability's request and
// response types (see namedSchemas).
func bookingSchemas() []schemaDef {
	return []schemaDef{}
}
