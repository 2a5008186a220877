package testkit

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
)

// Files for upload tests: real pictures a browser can show, padded to the
// size a test needs after their end marker (sniffing reads only the start).

// JPEG returns a small real JPEG photo padded to at least size bytes.
func JPEG(size int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(), nil); err != nil {
		panic(err)
	}
	return pad(b.Bytes(), size)
}

// PNG returns a small real PNG picture padded to at least size bytes.
func PNG(size int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, picture()); err != nil {
		panic(err)
	}
	return pad(b.Bytes(), size)
}

// PDF returns a minimal PDF document padded to at least size bytes.
func PDF(size int) []byte {
	return pad([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), size)
}

// HEIC returns the ISO box header of an iPhone HEIC photo padded to size.
func HEIC(size int) []byte {
	return pad([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), size)
}

// picture is an 8×8 gradient.
func picture() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := range 8 {
		for y := range 8 {
			img.Set(x, y, color.RGBA{R: uint8(x * 32), G: uint8(y * 32), B: 128, A: 255})
		}
	}
	return img
}

// pad appends a varied byte pattern up to size, so two sizes never share a checksum.
func pad(b []byte, size int) []byte {
	for i := len(b); i < size; i++ {
		b = append(b, byte(i*131+i/256))
	}
	return b
}
