package store_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

func TestPhotosPutReplaceAndRead(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, _ := setup(t, db)
		p := testProtector(t)
		o := officer(p, lixia, "PH1", 1, nil)
		o.HasPhoto = false
		if err := db.InsertOfficers(ctx, []store.NewOfficer{o}); err != nil {
			t.Fatal(err)
		}
		page, _ := store.NewOfficers(db).List(ctx, store.OfficerQuery{Limit: 1})
		id := page.Items[0].ID
		photos := store.NewPhotos(db)
		if _, found, err := photos.Meta(ctx, id); found || err != nil {
			t.Fatalf("no photo yet: %v %v", found, err)
		}
		jpeg := bytes.Repeat([]byte{0xFF, 0xD8, 0, 1}, 1000) // bytes survive both databases as they are
		if err := photos.Put(ctx, store.Photo{OfficerID: id, JPEG: jpeg, Thumbnail: []byte{1, 2, 3}, SHA256: "aa", Width: 295, Height: 413}, 7, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.NewOfficers(db).Get(ctx, id, ""); !got.HasPhoto {
			t.Fatal("has_photo not set")
		}
		if err := photos.Put(ctx, store.Photo{OfficerID: id, JPEG: jpeg[:8], Thumbnail: []byte{4}, SHA256: "bb", Width: 300, Height: 420}, 7, nil); err != nil {
			t.Fatal(err)
		}
		meta, found, err := photos.Meta(ctx, id)
		if err != nil || !found || meta.SHA256 != "bb" || meta.JPEG != nil || meta.Width != 300 || meta.UpdatedAt.IsZero() {
			t.Fatalf("meta: %+v %v %v", meta, found, err)
		}
		full, _, _ := photos.Get(ctx, id, false)
		thumb, _, _ := photos.Get(ctx, id, true)
		if !bytes.Equal(full.JPEG, jpeg[:8]) || full.Thumbnail != nil || !bytes.Equal(thumb.Thumbnail, []byte{4}) || thumb.JPEG != nil {
			t.Fatalf("get: %+v / %+v", full, thumb)
		}
		if n := count(t, db, "officer_photos"); n != 1 {
			t.Fatalf("rows: %d", n)
		}
		if err := photos.Put(ctx, store.Photo{OfficerID: 987654, JPEG: jpeg, Thumbnail: jpeg, SHA256: "cc"}, 7, nil); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("unknown officer: %v", err)
		}
	})
}

func TestExamsAddAndList(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, _ := setup(t, db)
		p := testProtector(t)
		if err := db.InsertOfficers(ctx, []store.NewOfficer{officer(p, lixia, "EX1", 1, nil)}); err != nil {
			t.Fatal(err)
		}
		page, _ := store.NewOfficers(db).List(ctx, store.OfficerQuery{Limit: 1})
		id := page.Items[0].ID
		exams := store.NewExams(db)
		e, err := exams.Add(ctx, id, store.NewExam{Kind: "special", TakenOn: domain.MustDate("2024-03-02"), Score: 59.5, Passed: false})
		if err != nil || e.ID == 0 || e.OfficerID != id || e.Score != 59.5 || e.CreatedAt.IsZero() {
			t.Fatalf("add: %+v %v", e, err)
		}
		list, err := exams.List(ctx, id)
		// officer() carries a 2015 general exam; the 2024 one comes first.
		if err != nil || len(list) != 2 || list[0].ID != e.ID || list[0].TakenOn.String() != "2024-03-02" || list[1].Kind != "general" {
			t.Fatalf("list: %+v %v", list, err)
		}
		if _, err := exams.Add(ctx, 987654, store.NewExam{Kind: "general", TakenOn: domain.MustDate("2024-03-02")}); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("unknown officer: %v", err)
		}
	})
}
