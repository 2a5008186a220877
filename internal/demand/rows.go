package demand

import "gongzhi/internal/db"

// idText is a row of an id and one text column.
type idText struct {
	id   int64
	text string
}

func scanIDText(r db.Scanner) (idText, error) {
	var x idText
	err := r.Scan(&x.id, &x.text)
	return x, err
}
