// Package phototest builds test images: portraits as JPEG or PNG, JPEGs
// carrying an EXIF segment with orientation and GPS position, and a PNG
// whose header claims huge dimensions.
package phototest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
)

// Picture is a w×h image: a light background with a dark "head" in the
// upper middle, so orientation mistakes are visible in pixels.
func Picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{R: 220, G: 230, B: 245, A: 255}
			if dx, dy := x-w/2, y-h/3; dx*dx+dy*dy < (w/4)*(w/4) {
				c = color.RGBA{R: 40, G: 30, B: 30, A: 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// JPEG encodes Picture(w, h).
func JPEG(w, h int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, Picture(w, h), &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// PNG encodes Picture(w, h) with a transparent top-left corner.
func PNG(w, h int) []byte {
	img := Picture(w, h)
	for y := 0; y < h/10; y++ {
		for x := 0; x < w/10; x++ {
			img.SetRGBA(x, y, color.RGBA{})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// GPSLatitudeMarker is an ASCII tag value the EXIF segment of WithExif
// carries, so a test can search the output for it.
const GPSLatitudeMarker = "GPSMARK-N36.6512"

// WithExif inserts an APP1 Exif segment after the SOI of a JPEG: IFD0 with
// the orientation (0 leaves it out), the camera make, and a GPS IFD with
// latitude reference, latitude and a processing-method string carrying
// GPSLatitudeMarker.
func WithExif(jpg []byte, orientation int) []byte {
	le := binary.LittleEndian
	var t bytes.Buffer
	t.WriteString("II")
	binary.Write(&t, le, uint16(42))
	binary.Write(&t, le, uint32(8))

	type entry struct {
		tag, typ uint16
		count    uint32
		value    uint32
	}
	ifd0 := []entry{}
	if orientation != 0 {
		ifd0 = append(ifd0, entry{0x0112, 3, 1, uint32(orientation)})
	}
	ifd0 = append(ifd0, entry{0x010F, 2, 4, le.Uint32([]byte("Cam\x00"))}) // Make
	gpsPointer := len(ifd0)
	ifd0 = append(ifd0, entry{0x8825, 4, 1, 0}) // GPS IFD offset, set below
	ifd0Size := 2 + 12*len(ifd0) + 4
	gpsOffset := 8 + ifd0Size
	ifd0[gpsPointer].value = uint32(gpsOffset)

	marker := []byte(GPSLatitudeMarker + "\x00")
	gps := []entry{
		{0x0001, 2, 2, le.Uint32([]byte("N\x00\x00\x00"))}, // GPSLatitudeRef
		{0x0002, 5, 3, 0},                   // GPSLatitude: 3 rationals, offset below
		{0x001B, 7, uint32(len(marker)), 0}, // GPSProcessingMethod: the marker, offset below
	}
	gpsSize := 2 + 12*len(gps) + 4
	dataOffset := gpsOffset + gpsSize
	gps[1].value = uint32(dataOffset)
	gps[2].value = uint32(dataOffset + 24)

	writeIFD := func(es []entry) {
		binary.Write(&t, le, uint16(len(es)))
		for _, e := range es {
			binary.Write(&t, le, e.tag)
			binary.Write(&t, le, e.typ)
			binary.Write(&t, le, e.count)
			binary.Write(&t, le, e.value)
		}
		binary.Write(&t, le, uint32(0))
	}
	writeIFD(ifd0)
	writeIFD(gps)
	for _, v := range []uint32{36, 1, 39, 1, 4, 100} { // 36° 39' 4.00"
		binary.Write(&t, le, v)
	}
	t.Write(marker)

	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// HasAPP1 reports whether a JPEG has an APP1 segment (EXIF or XMP) before
// its image data.
func HasAPP1(jpg []byte) bool {
	for i := 2; i+4 <= len(jpg) && jpg[i] == 0xFF; {
		m := jpg[i+1]
		if m == 0xE1 {
			return true
		}
		if m == 0xDA || m == 0xD9 {
			return false
		}
		i += 2 + int(binary.BigEndian.Uint16(jpg[i+2:]))
	}
	return false
}

// HugePNG is a small valid PNG whose header claims w×h pixels: decoding
// it would allocate w×h×4 bytes.
func HugePNG(w, h int) []byte {
	b := PNG(300, 420)
	// IHDR data starts at 16: width, height; its CRC covers type and data.
	binary.BigEndian.PutUint32(b[16:], uint32(w))
	binary.BigEndian.PutUint32(b[20:], uint32(h))
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}
