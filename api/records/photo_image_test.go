package records

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/jpeg"
	"strings"
	"testing"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/records/phototest"
)

// rule returns the rules an error names on field photo.
func rules(t *testing.T, err error) string {
	t.Helper()
	de, ok := err.(*domain.Error)
	if !ok || de.Code != domain.CodeInvalid {
		t.Fatalf("want a validation error, got %v", err)
	}
	var out []string
	for _, f := range de.Fields {
		if f.Field != "photo" {
			t.Errorf("field %q, want photo", f.Field)
		}
		out = append(out, f.Rule)
	}
	return strings.Join(out, ",")
}

func decodeJPEG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("stored photo is not a JPEG: %v", err)
	}
	return img
}

func TestProcessAcceptsAPortraitAndStripsMetadata(t *testing.T) {
	r := DefaultPhotoRules()
	in := phototest.WithExif(phototest.JPEG(295, 413), 0)
	if !phototest.HasAPP1(in) || !bytes.Contains(in, []byte(phototest.GPSLatitudeMarker)) {
		t.Fatal("fixture has no EXIF GPS segment")
	}
	ph, err := r.process(in)
	if err != nil {
		t.Fatal(err)
	}
	if phototest.HasAPP1(ph.JPEG) || bytes.Contains(ph.JPEG, []byte("Exif")) || bytes.Contains(ph.JPEG, []byte(phototest.GPSLatitudeMarker)) {
		t.Error("metadata survived re-encoding")
	}
	if ph.Width != 295 || ph.Height != 413 {
		t.Errorf("size %d×%d", ph.Width, ph.Height)
	}
	if b := decodeJPEG(t, ph.JPEG).Bounds(); b.Dx() != 295 || b.Dy() != 413 {
		t.Errorf("stored bounds %v", b)
	}
	if b := decodeJPEG(t, ph.Thumbnail).Bounds(); b.Dx() != 96 || b.Dy() != 134 {
		t.Errorf("thumbnail bounds %v", b)
	}
	sum := sha256.Sum256(ph.JPEG)
	if ph.SHA256 != hex.EncodeToString(sum[:]) {
		t.Error("sha256 is not of the stored JPEG")
	}
}

func TestProcessScalesLargePhotosDown(t *testing.T) {
	ph, err := DefaultPhotoRules().process(phototest.JPEG(1000, 1400))
	if err != nil {
		t.Fatal(err)
	}
	if ph.Width != 590 || ph.Height != 826 {
		t.Errorf("stored %d×%d, want 590×826", ph.Width, ph.Height)
	}
}

func TestProcessPNGBecomesAJPEGOnWhite(t *testing.T) {
	ph, err := DefaultPhotoRules().process(phototest.PNG(300, 420))
	if err != nil {
		t.Fatal(err)
	}
	img := decodeJPEG(t, ph.JPEG)
	// The transparent corner is white, not black.
	if r, g, b, _ := img.At(2, 2).RGBA(); r < 0xF000 || g < 0xF000 || b < 0xF000 {
		t.Errorf("transparent area is %v, want white", img.At(2, 2))
	}
}

func TestProcessTurnsEXIFOrientedPhotosUpright(t *testing.T) {
	// A camera stores a portrait as a landscape sensor image with
	// orientation 6 (turn 90° clockwise to display).
	raw := phototest.Picture(413, 295)
	// Put the "head" marker on the left edge of the raw image: upright it is at the top.
	for y := 0; y < 295; y++ {
		for x := 0; x < 40; x++ {
			raw.Set(x, y, image.Black)
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, raw, &jpeg.Options{Quality: 95})
	ph, err := DefaultPhotoRules().process(phototest.WithExif(b.Bytes(), 6))
	if err != nil {
		t.Fatalf("an upright portrait with orientation 6 was refused: %v", err)
	}
	img := decodeJPEG(t, ph.JPEG)
	if bb := img.Bounds(); bb.Dx() != 295 || bb.Dy() != 413 || ph.Width != 295 || ph.Height != 413 {
		t.Fatalf("upright bounds %v (%d×%d)", bb, ph.Width, ph.Height)
	}
	if y, _, _, _ := img.At(150, 10).RGBA(); y > 0x3000 {
		t.Errorf("top edge is not the raw left edge: %v", img.At(150, 10))
	}
	if y, _, _, _ := img.At(150, 400).RGBA(); y < 0x8000 {
		t.Errorf("bottom edge is dark: %v", img.At(150, 400))
	}
	// Without the orientation tag the same pixels are a landscape.
	if _, err := DefaultPhotoRules().process(b.Bytes()); rules(t, err) != "min_size,portrait" {
		t.Errorf("landscape without orientation: %v", err)
	}
}

func TestProcessRefusals(t *testing.T) {
	r := DefaultPhotoRules()
	truncated := phototest.JPEG(300, 420)
	truncated = truncated[:len(truncated)/2]
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"text", []byte("hello, this is not a photo\n"), "format"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), "format"},
		{"empty", nil, "format"},
		{"jpeg signature, garbage", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{0x42}, 100)...), "corrupt"},
		{"truncated jpeg", truncated, "corrupt"},
		{"too small", phototest.JPEG(200, 280), "min_size"},
		{"too small and square", phototest.JPEG(200, 200), "min_size,portrait"},
		{"landscape", phototest.JPEG(800, 600), "portrait"},
		{"too slim", phototest.PNG(300, 600), "portrait"},
		{"bomb", phototest.HugePNG(60000, 80000), "max_size"},
		{"just over the bound", phototest.HugePNG(6001, 8000), "max_size"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := r.process(c.in)
			if got := rules(t, err); got != c.want {
				t.Errorf("rules %q, want %q (%v)", got, c.want, err)
			}
		})
	}
	r.MaxBytes = 1000
	if _, err := r.process(phototest.JPEG(300, 420)); rules(t, err) != "max_bytes" {
		t.Errorf("over MaxBytes: %v", err)
	}
}

func TestJPEGOrientationReadsOnlyWhatIsThere(t *testing.T) {
	base := phototest.JPEG(10, 10)
	for o := 1; o <= 8; o++ {
		if got := jpegOrientation(phototest.WithExif(base, o)); got != o {
			t.Errorf("orientation %d read as %d", o, got)
		}
	}
	if got := jpegOrientation(phototest.WithExif(base, 0)); got != 1 {
		t.Errorf("no orientation tag: %d", got)
	}
	full := phototest.WithExif(base, 6)
	for n := 0; n < 200; n++ { // every truncation: no panic, a valid answer
		if got := jpegOrientation(full[:n]); got < 1 || got > 8 {
			t.Fatalf("truncated at %d: %d", n, got)
		}
	}
}

func FuzzJPEGOrientation(f *testing.F) {
	f.Add(phototest.WithExif(phototest.JPEG(8, 8), 6))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0xFF, 0xFF, 0xFF, 0xF0})
	f.Fuzz(func(t *testing.T, b []byte) {
		if got := jpegOrientation(b); got < 1 || got > 8 {
			t.Fatalf("orientation %d", got)
		}
	})
}

func TestOrientMapsEveryCorner(t *testing.T) {
	// A 2×3 image with distinct pixels; each orientation's upright image
	// has the raw top-left pixel where EXIF says it belongs.
	src := image.NewRGBA(image.Rect(0, 0, 2, 3))
	for i := range src.Pix {
		src.Pix[i] = byte(i)
	}
	at := func(img *image.RGBA, x, y int) byte { return img.Pix[img.PixOffset(x, y)] }
	topLeft := at(src, 0, 0)
	want := map[int][2]int{ // where the raw (0,0) ends up in the upright image
		1: {0, 0}, 2: {1, 0}, 3: {1, 2}, 4: {0, 2}, 5: {0, 0}, 6: {2, 0}, 7: {2, 1}, 8: {0, 1},
	}
	for o, pos := range want {
		got := orient(src, o)
		if at(got, pos[0], pos[1]) != topLeft {
			t.Errorf("orientation %d: raw top-left not at %v", o, pos)
		}
		if (o >= 5) != (got.Bounds().Dx() == 3) {
			t.Errorf("orientation %d: bounds %v", o, got.Bounds())
		}
	}
}

func TestParseCreditCode(t *testing.T) {
	for _, ok := range []string{"91350100M000100Y43", "9144030071526726XG", " 91350100m000100y43 "} {
		if got, err := ParseCreditCode("credit_code", ok); err != nil || got != strings.ToUpper(strings.TrimSpace(ok)) {
			t.Errorf("%q: %q %v", ok, got, err)
		}
	}
	for in, rule := range map[string]string{
		"91350100M000100Y4":   "length",
		"91350100M000100Y44":  "checksum",
		"91350100M0001O0Y43":  "format", // letter O
		"9135A100M000100Y43":  "format", // region not digits
		"91350100M000100Y43X": "length",
	} {
		_, err := ParseCreditCode("credit_code", in)
		de, _ := err.(*domain.Error)
		if de == nil || de.Fields[0].Rule != rule || de.Fields[0].Field != "credit_code" {
			t.Errorf("%q: %v, want rule %s", in, err, rule)
		}
	}
}

// BenchmarkProcessPhonePhoto: a 12-megapixel portrait (3000×4000), the
// largest common upload, checked, scaled to 590×787 and re-encoded.
func BenchmarkProcessPhonePhoto(b *testing.B) {
	in := phototest.JPEG(3000, 4000)
	b.SetBytes(int64(len(in)))
	r := DefaultPhotoRules()
	for b.Loop() {
		if _, err := r.process(in); err != nil {
			b.Fatal(err)
		}
	}
}
