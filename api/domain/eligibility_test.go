package domain

import "testing"

func activeCert(last, due string) *Certificate {
	l, d := MustDate(last), MustDate(due)
	return &Certificate{State: CertActive, LastInspectedOn: &l, NextDueOn: &d}
}

func good() Candidate {
	return Candidate{OfficerID: 1, OfficerCode: "3701020001", Name: "张伟", UnitID: 3, Area: "历下区", HasPhoto: true,
		Staffing: StaffingEstablished, PassedExam: true, ExamSince: true}
}

func TestCheckApplyNewCard(t *testing.T) {
	today := MustDate("2012-05-01")
	pol := DefaultInspectionPolicy()
	until := MustDate("2012-12-31")
	past := MustDate("2012-01-01")
	cases := []struct {
		name string
		edit func(*Candidate)
		rule string
	}{
		{"eligible", func(*Candidate) {}, ""},
		{"no photo", func(c *Candidate) { c.HasPhoto = false }, "photo"},
		{"no area", func(c *Candidate) { c.Area = "" }, "printed_fields"},
		{"contract staff", func(c *Candidate) { c.Staffing = StaffingContract }, "staffing"},
		{"incompetent", func(c *Candidate) { c.Review = "incompetent" }, "annual_review"},
		{"demerit in force", func(c *Candidate) { c.Sanction, c.SanctionTil = "demerit", &until }, "sanction"},
		{"demerit ended", func(c *Candidate) { c.Sanction, c.SanctionTil = "demerit", &past }, ""},
		{"warning only", func(c *Candidate) { c.Sanction, c.SanctionTil = "warning", &until }, ""},
		{"barred by revocation", func(c *Candidate) { c.BarredUntil = &until }, "barred"},
		{"no exam", func(c *Candidate) { c.PassedExam = false }, "exam"},
		{"holds an active card", func(c *Candidate) { c.Cert = activeCert("2011-01-01", "2013-01-01") }, "one_active"},
		{"open application", func(c *Candidate) { c.OpenApp = true }, "open_application"},
		{"cancelled card is no obstacle", func(c *Candidate) { c.Cert = &Certificate{State: CertCancelled} }, ""},
	}
	for _, tc := range cases {
		c := good()
		tc.edit(&c)
		r := CheckApply(AppNewCard, c, today, 0, pol)
		switch {
		case tc.rule == "" && r != nil:
			t.Errorf("%s: refused %+v", tc.name, r)
		case tc.rule != "" && (r == nil || r.Rule != tc.rule || r.OfficerID != 1 || r.Message == ""):
			t.Errorf("%s: got %+v, want rule %s", tc.name, r, tc.rule)
		}
	}
}

// The seed's example: last inspected 2010-06-30, due 2012-06-30. The 2012
// round (年检年度 2010) may apply until the due date, not after.
func TestCheckApplyInspection(t *testing.T) {
	pol := DefaultInspectionPolicy()
	c := good()
	c.Cert = activeCert("2010-06-30", "2012-06-30")
	if r := CheckApply(AppInspection, c, MustDate("2012-06-30"), 2010, pol); r != nil {
		t.Errorf("on the due date: %+v", r)
	}
	if r := CheckApply(AppInspection, c, MustDate("2012-07-01"), 2010, pol); r == nil || r.Rule != "overdue" {
		t.Errorf("after the due date: %+v", r)
	}
	if r := CheckApply(AppInspection, c, MustDate("2012-05-01"), 2011, pol); r == nil || r.Rule != "round" {
		t.Errorf("not in the round: %+v", r)
	}
	c.Cert.State = CertSuspended
	if r := CheckApply(AppInspection, c, MustDate("2012-05-01"), 2010, pol); r == nil || r.Rule != "cert_state" {
		t.Errorf("suspended: %+v", r)
	}
}

func TestCheckLegalApprovalExamEverySecondInspection(t *testing.T) {
	pol := DefaultInspectionPolicy() // exam at every 2nd inspection
	c := good()
	c.Cert = activeCert("2010-06-30", "2012-06-30")
	c.ExamSince = false
	today := MustDate("2012-05-01")
	c.Inspections = 0 // this is the 1st inspection: no exam needed
	if r := CheckLegalApproval(AppInspection, c, today, pol); r != nil {
		t.Errorf("1st inspection: %+v", r)
	}
	c.Inspections = 1 // the 2nd: exam required
	if r := CheckLegalApproval(AppInspection, c, today, pol); r == nil || r.Rule != "exam" {
		t.Errorf("2nd inspection without exam: %+v", r)
	}
	c.ExamSince = true
	if r := CheckLegalApproval(AppInspection, c, today, pol); r != nil {
		t.Errorf("2nd inspection with exam: %+v", r)
	}
	c.HasPhoto = false
	if r := CheckLegalApproval(AppInspection, c, today, pol); r == nil || r.Rule != "photo" {
		t.Errorf("no photo: %+v", r)
	}
	nc := good()
	nc.PassedExam = false
	if r := CheckLegalApproval(AppNewCard, nc, today, pol); r == nil || r.Rule != "exam" {
		t.Errorf("new card, failed exam: %+v", r)
	}
}
