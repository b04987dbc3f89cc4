package records

import (
	"context"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/identity"
	"github.com/lecms/lecms/api/store"
)

// MaxPhotoBytes is the largest photo upload; the HTTP edge stops reading
// there and answers 413.
func (s *Service) MaxPhotoBytes() int64 { return s.PhotoRules.MaxBytes }

// PutPhoto checks, re-encodes and stores officer id's ID photo (replacing
// any earlier one) and marks the officer as having a photo.
func (s *Service) PutPhoto(ctx context.Context, p domain.Principal, id int64, data []byte, c identity.Client) (PhotoInfo, error) {
	r, err := s.writableOfficer(ctx, p, id)
	if err != nil {
		return PhotoInfo{}, s.record(ctx, p, c, "officer.photo_update", "officer", id, "", err, nil)
	}
	// An early look spares decoding a photo that would be refused; the
	// store checks again under the officer's row lock (printedGuard), which
	// is what makes the lock hold against a concurrent submission.
	if open, err := s.openApplication(ctx, id); err != nil || (open != nil && open.Locks) {
		detail := map[string]any{"code": r.Code}
		if err == nil {
			err = lockedError(open, []string{"photo"})
			detail["application_id"] = open.ID
		}
		return PhotoInfo{}, s.record(ctx, p, c, "officer.photo_update", "officer", id, r.RegionCode, err, detail)
	}
	ph, err := s.processPhoto(ctx, data)
	if err != nil {
		return PhotoInfo{}, err
	}
	detail := map[string]any{"code": r.Code, "sha256": ph.SHA256, "width": ph.Width, "height": ph.Height,
		"uploaded_bytes": len(data), "stored_bytes": len(ph.JPEG)}
	photoOnly := func(store.OfficerFields) []string { return []string{"photo"} }
	err = s.Photos.Put(ctx, store.Photo{OfficerID: id, JPEG: ph.JPEG, Thumbnail: ph.Thumbnail, SHA256: ph.SHA256,
		Width: ph.Width, Height: ph.Height}, p.UserID, s.printedGuard(photoOnly, detail))
	if err := s.record(ctx, p, c, "officer.photo_update", "officer", id, r.RegionCode, err, detail); err != nil {
		return PhotoInfo{}, err
	}
	meta, _, err := s.Photos.Meta(ctx, id)
	return PhotoInfo{SHA256: meta.SHA256, Width: meta.Width, Height: meta.Height, UpdatedAt: meta.UpdatedAt}, err
}

// processPhoto runs the image checks with at most PhotoRules.Concurrency
// decodes at once, so a burst of large uploads cannot exhaust memory.
func (s *Service) processPhoto(ctx context.Context, data []byte) (processedPhoto, error) {
	select {
	case s.photoSlots <- struct{}{}:
		defer func() { <-s.photoSlots }()
	case <-ctx.Done():
		return processedPhoto{}, domain.Errorf(domain.CodeUnavailable, "服务繁忙，请稍后重新上传照片")
	}
	return s.PhotoRules.process(data)
}

// PhotoContent is a photo to send, or the news that the caller's copy is
// current.
type PhotoContent struct {
	JPEG        []byte
	ETag        string // quoted
	UpdatedAt   time.Time
	NotModified bool
}

// Photo returns officer id's photo (or its thumbnail) to whoever may read
// the officer. current reports whether the caller already holds the
// representation with a given ETag (If-None-Match); then no bytes are read.
func (s *Service) Photo(ctx context.Context, p domain.Principal, id int64, thumbnail bool, current func(etag string) bool) (PhotoContent, error) {
	if _, err := s.Reader.GetOfficer(ctx, p, id); err != nil {
		return PhotoContent{}, err
	}
	etag := func(sha string) string {
		if thumbnail {
			return `"` + sha + `-thumb"`
		}
		return `"` + sha + `"`
	}
	none := domain.Errorf(domain.CodeNotFound, "该执法人员还没有照片")
	if current != nil {
		meta, found, err := s.Photos.Meta(ctx, id)
		if err != nil || !found {
			return PhotoContent{}, orErr(err, none)
		}
		if current(etag(meta.SHA256)) {
			return PhotoContent{ETag: etag(meta.SHA256), UpdatedAt: meta.UpdatedAt, NotModified: true}, nil
		}
	}
	ph, found, err := s.Photos.Get(ctx, id, thumbnail)
	if err != nil || !found {
		return PhotoContent{}, orErr(err, none)
	}
	out := PhotoContent{JPEG: ph.JPEG, ETag: etag(ph.SHA256), UpdatedAt: ph.UpdatedAt}
	if thumbnail {
		out.JPEG = ph.Thumbnail
	}
	return out, nil
}

func orErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}
