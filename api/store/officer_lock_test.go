package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

// The officer row lock serialises application creation with the writes
// that must not interleave with it: an edit of a printed field (refused
// while an application locks them) and a transfer (refused while an
// application is open). Each test races the two from one barrier with the
// version both sides saw, so whichever commits first, the other must lose
// with its domain error; there is no order in which both succeed.

// printedLock is the records service's guard reduced to the name: refuse a
// rename while an application locks the printed fields.
func printedLock(newName string) store.EditGuard {
	return func(cur store.OfficerFields, open *store.OpenApplication) error {
		if open != nil && open.Locks && cur.Name != newName {
			return &domain.Error{Code: domain.CodeRuleViolated, Message: "申请办理期间不能修改打印字段",
				Fields: []domain.FieldError{{Field: "name", Rule: "locked_by_application", Message: "姓名打印在证件上"}}}
		}
		return nil
	}
}

// newCardFor is a submitted new-card application for an officer of lixia
// whose gates saw version.
func newCardFor(officerID, lixia int64, version int) store.NewApplication {
	return store.NewApplication{Kind: domain.AppNewCard, State: domain.AppSubmitted, OfficerID: officerID,
		CertType: domain.CertLawEnforcement, UnitID: lixia, RegionCode: "370102", ApplicantID: 1, ApplicantName: "op",
		OfficerVersion: version}
}

// race runs a and b from one barrier and returns their errors.
func race(a, b func() error) (errA, errB error) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); <-start; errA = a() }()
	go func() { defer wg.Done(); <-start; errB = b() }()
	close(start)
	wg.Wait()
	return errA, errB
}

func rule(err error) string {
	if de, ok := err.(*domain.Error); ok && len(de.Fields) > 0 {
		return de.Fields[0].Rule
	}
	return ""
}

func TestPrintedEditAndApplicationAreSerialised(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, _ := setup(t, db)
		p := testProtector(t)
		officers, apps := store.NewOfficers(db), store.NewApplications(db)
		wins := map[string]int{}
		for i := range 8 {
			idn := domain.MakeIDNumber("370102", domain.NewDate(1980, 1, 1).AddDays(i), i, i%2 == 0)
			f := fields(p, lixia, fmt.Sprintf("R%03d", i), idn)
			id, err := officers.Create(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			renamed := f
			renamed.Name = "改名"
			editErr, applyErr := race(
				func() error { _, err := officers.Update(ctx, id, 1, renamed, printedLock(renamed.Name)); return err },
				func() error {
					_, err := apps.Create(ctx, []store.NewApplication{newCardFor(id, lixia, 1)}, time.Now().UTC())
					return err
				},
			)
			r, err := officers.Record(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			open, err := apps.OpenFor(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case editErr == nil && domain.ErrorCode(applyErr) == domain.CodeConflict && rule(applyErr) == "officer_changed":
				// The edit committed first: the application, gated on
				// version 1, is refused instead of carrying the new name.
				if r.Name != "改名" || open != nil {
					t.Fatalf("edit won, yet name %q and open application %+v", r.Name, open)
				}
				wins["edit"]++
			case applyErr == nil && domain.ErrorCode(editErr) == domain.CodeRuleViolated && rule(editErr) == "locked_by_application":
				// The application committed first: the edit saw it under the lock.
				if r.Name != f.Name || r.Version != 1 || open == nil || !open.Locks {
					t.Fatalf("application won, yet name %q version %d open %+v", r.Name, r.Version, open)
				}
				wins["application"]++
			default:
				t.Fatalf("round %d: edit %v, application %v; want exactly one to win", i, editErr, applyErr)
			}
		}
		t.Logf("winners: %v", wins)
	})
}

// The edit's transaction is held open between its check and its commit
// while an application is submitted: the submission must wait for the
// edit and then be refused. Before the row lock it committed in that gap
// with the old values. The grace period only gives an unserialised
// submission time to slip in (which fails the test); nothing is timed.
func TestApplicationWaitsForAnEditBetweenItsCheckAndCommit(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, _ := setup(t, db)
		p := testProtector(t)
		officers, apps := store.NewOfficers(db), store.NewApplications(db)
		f := fields(p, lixia, "G001", domain.MakeIDNumber("370102", domain.NewDate(1985, 5, 6), 12, true))
		id, err := officers.Create(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		renamed := f
		renamed.Name = "改名"
		checked := make(chan struct{})
		applied := make(chan error, 1)
		guard := func(cur store.OfficerFields, open *store.OpenApplication) error {
			if err := printedLock(renamed.Name)(cur, open); err != nil {
				return err
			}
			close(checked)
			select {
			case err := <-applied: // not serialised: the submission did not wait
				applied <- err
			case <-time.After(300 * time.Millisecond):
			}
			return nil
		}
		go func() {
			<-checked
			_, err := apps.Create(ctx, []store.NewApplication{newCardFor(id, lixia, 1)}, time.Now().UTC())
			applied <- err
		}()
		if _, err := officers.Update(ctx, id, 1, renamed, guard); err != nil {
			t.Fatalf("edit: %v", err)
		}
		if err := <-applied; domain.ErrorCode(err) != domain.CodeConflict || rule(err) != "officer_changed" {
			t.Fatalf("application submitted during the edit: %v, want conflict officer_changed", err)
		}
		if open, err := apps.OpenFor(ctx, id); err != nil || open != nil {
			t.Fatalf("open application %+v %v", open, err)
		}
	})
}

// The photo is printed too: an upload and a submission race the same way.
func TestPhotoUploadAndApplicationAreSerialised(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, _ := setup(t, db)
		p := testProtector(t)
		officers, apps, photos := store.NewOfficers(db), store.NewApplications(db), store.NewPhotos(db)
		locked := func(_ store.OfficerFields, open *store.OpenApplication) error {
			if open != nil && open.Locks {
				return &domain.Error{Code: domain.CodeRuleViolated, Message: "申请办理期间不能更换照片",
					Fields: []domain.FieldError{{Field: "photo", Rule: "locked_by_application", Message: "照片打印在证件上"}}}
			}
			return nil
		}
		for i := range 4 {
			idn := domain.MakeIDNumber("370102", domain.NewDate(1980, 1, 1).AddDays(i), i, i%2 == 0)
			id, err := officers.Create(ctx, fields(p, lixia, fmt.Sprintf("F%03d", i), idn))
			if err != nil {
				t.Fatal(err)
			}
			photoErr, applyErr := race(
				func() error {
					return photos.Put(ctx, store.Photo{OfficerID: id, JPEG: []byte{0xff, 0xd8}, Thumbnail: []byte{1}, SHA256: "aa"}, 7, locked)
				},
				func() error {
					_, err := apps.Create(ctx, []store.NewApplication{newCardFor(id, lixia, 1)}, time.Now().UTC())
					return err
				},
			)
			_, hasPhoto, err := photos.Meta(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			open, _ := apps.OpenFor(ctx, id)
			switch {
			case photoErr == nil && applyErr == nil:
				// The upload committed first (it does not change the record's
				// version); the application then follows the new photo.
				if !hasPhoto || open == nil {
					t.Fatalf("both won, yet photo %v open %+v", hasPhoto, open)
				}
			case applyErr == nil && rule(photoErr) == "locked_by_application":
				if hasPhoto || open == nil {
					t.Fatalf("application won, yet photo %v open %+v", hasPhoto, open)
				}
			default:
				t.Fatalf("round %d: photo %v, application %v", i, photoErr, applyErr)
			}
		}
	})
}

func TestTransferAndApplicationAreSerialised(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, qingdao := setup(t, db)
		p := testProtector(t)
		officers, apps := store.NewOfficers(db), store.NewApplications(db)
		now := time.Date(2026, 12, 6, 1, 0, 0, 0, time.UTC)
		wins := map[string]int{}
		for i := range 8 {
			// Officers without a certificate: the transfer opens no renewal,
			// so ux_applications_open cannot settle the race.
			idn := domain.MakeIDNumber("370102", domain.NewDate(1980, 1, 1).AddDays(i), i, i%2 == 0)
			id, err := officers.Create(ctx, fields(p, lixia, fmt.Sprintf("M%03d", i), idn))
			if err != nil {
				t.Fatal(err)
			}
			// Odd rounds give no version: the unit check alone must hold.
			app := newCardFor(id, lixia, 1-i%2)
			transferErr, applyErr := race(
				func() error {
					_, err := officers.Transfer(ctx, store.TransferPlan{OfficerID: id, Version: 1, ToUnitID: qingdao,
						ActorName: "sft", Reason: "调动"}, now)
					return err
				},
				func() error { _, err := apps.Create(ctx, []store.NewApplication{app}, time.Now().UTC()); return err },
			)
			r, err := officers.Record(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			open, err := apps.OpenFor(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case transferErr == nil && domain.ErrorCode(applyErr) == domain.CodeConflict && rule(applyErr) == "officer_changed":
				if r.UnitID != qingdao || open != nil {
					t.Fatalf("transfer won, yet unit %d open %+v", r.UnitID, open)
				}
				wins["transfer"]++
			case applyErr == nil && domain.ErrorCode(transferErr) == domain.CodeRuleViolated && rule(transferErr) == "open_application":
				if r.UnitID != lixia || open == nil {
					t.Fatalf("application won, yet unit %d open %+v", r.UnitID, open)
				}
				wins["application"]++
			default:
				t.Fatalf("round %d: transfer %v, application %v; want exactly one to win", i, transferErr, applyErr)
			}
		}
		t.Logf("winners: %v", wins)
		// Every application left is in its officer's unit.
		var stray int
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM applications a JOIN officers o ON o.id = a.officer_id
			WHERE a.unit_id <> o.unit_id OR a.region_code <> o.region_code`).Scan(&stray); err != nil || stray != 0 {
			t.Fatalf("%d applications outside their officer's unit (%v)", stray, err)
		}
	})
}

// An application built before a transfer committed is refused even
// without a version: its unit is no longer the officer's.
func TestApplicationForAMovedOfficerIsRefused(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, qingdao := setup(t, db)
		p := testProtector(t)
		officers, apps := store.NewOfficers(db), store.NewApplications(db)
		id, err := officers.Create(ctx, fields(p, lixia, "S001", domain.MakeIDNumber("370102", domain.NewDate(1985, 5, 6), 12, true)))
		if err != nil {
			t.Fatal(err)
		}
		cands, err := apps.Candidates(ctx, []int64{id}, domain.CertLawEnforcement)
		if err != nil || cands[id].Version != 1 {
			t.Fatalf("candidate version: %+v %v", cands[id], err)
		}
		if _, err := officers.Transfer(ctx, store.TransferPlan{OfficerID: id, Version: 1, ToUnitID: qingdao, ActorName: "sft",
			Reason: "调动"}, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		_, err = apps.Create(ctx, []store.NewApplication{newCardFor(id, lixia, 0)}, time.Now().UTC())
		de, ok := err.(*domain.Error)
		if !ok || de.Code != domain.CodeConflict || rule(err) != "officer_changed" ||
			de.Message != "执法人员 测试S001（S001）已调动到其他单位，申请未提交，请刷新后重试" {
			t.Fatalf("application for the old unit: %v", err)
		}
		// Gated on version 1, an application for the new unit is refused
		// too (the record changed); gated on version 2 it is accepted.
		app := newCardFor(id, qingdao, 1)
		app.RegionCode = "370200"
		if _, err := apps.Create(ctx, []store.NewApplication{app}, time.Now().UTC()); rule(err) != "officer_changed" {
			t.Fatalf("stale version: %v", err)
		}
		app.OfficerVersion = 2
		if _, err := apps.Create(ctx, []store.NewApplication{app}, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
	})
}
