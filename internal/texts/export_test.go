package texts

// RawForTest returns code's sentences unworded, for the catalog test.
func RawForTest(code string) (zh, en string) { return catalog[code].zh, catalog[code].en }
