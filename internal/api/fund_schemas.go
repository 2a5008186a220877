package api

// fundSchemas are the named schemas of the fund capability's request and
// response types (see namedSchemas).
func fundSchemas() []schemaDef {
	return []schemaDef{}
}
