package domain

import "fmt"

// Candidate is what the gates need to know about an officer and the
// certificate an application concerns, as of today.
type Candidate struct {
	OfficerID   int64
	OfficerCode string
	Name        string
	UnitID      int64
	Region      RegionCode // the unit's region
	Area        string
	HasPhoto    bool
	Staffing    Staffing
	Review      string // annual review result; "incompetent" (不称职) bars
	Sanction    string // disciplinary sanction; 记过 and above bar while in force
	SanctionTil *Date
	BarredUntil *Date // revocation bar
	PassedExam  bool  // a passed law exam on record
	ExamSince   bool  // a passed exam since the last inspection
	Inspections int   // completed inspections of the current certificate
	Cert        *Certificate
	OpenApp     bool // another application is in progress
	Version     int  // the officer record's version these facts were read at
}

// barringSanction: sanctions of 记过 or above bar a certificate while in
// force (order 292); 警告 does not.
func barringSanction(s string) bool {
	switch s {
	case "demerit", "major_demerit", "demotion", "dismissal_probation": // 记过, 记大过, 降级, 留用察看
		return true
	}
	return false
}

// Refusal is one gate that refused one officer.
type Refusal struct {
	OfficerID int64
	Rule      string
	Message   string
}

func refuse(c Candidate, rule, format string, args ...any) *Refusal {
	who := c.Name
	if c.OfficerCode != "" {
		who += "（" + c.OfficerCode + "）"
	}
	return &Refusal{OfficerID: c.OfficerID, Rule: rule, Message: who + fmt.Sprintf(format, args...)}
}

// eligible checks the holder rules every new certificate and every legal
// approval needs: printed fields, photo, 在编, review, sanction, bar.
func eligible(c Candidate, today Date) *Refusal {
	switch {
	case c.OfficerCode == "" || c.Name == "" || c.UnitID == 0 || c.Area == "":
		return refuse(c, "printed_fields", "：执法人员编码、姓名、所在单位、执法区域须填写完整")
	case !c.HasPhoto:
		return refuse(c, "photo", "：没有照片")
	case c.Staffing != StaffingEstablished:
		return refuse(c, "staffing", "：非在编人员不能申领执法证")
	case c.Review == "incompetent":
		return refuse(c, "annual_review", "：年度考核不称职")
	case barringSanction(c.Sanction) && (c.SanctionTil == nil || !today.After(*c.SanctionTil)):
		return refuse(c, "sanction", "：处分期内（记过及以上）")
	case c.BarredUntil != nil && !today.After(*c.BarredUntil):
		return refuse(c, "barred", "：证件被吊销，%s 前不得重新申领", c.BarredUntil)
	}
	return nil
}

// CheckApply applies the gates of creating an application of kind for c.
func CheckApply(kind AppKind, c Candidate, today Date, round int, insp InspectionPolicy) *Refusal {
	if c.OpenApp {
		return refuse(c, "open_application", "：已有未办结的申请")
	}
	switch kind {
	case AppNewCard:
		if c.Cert != nil && (c.Cert.State == CertActive || c.Cert.State == CertPending || c.Cert.State == CertSuspended) {
			return refuse(c, "one_active", "：已持有有效证件，一人一类证件只能有一个")
		}
		if r := eligible(c, today); r != nil {
			return r
		}
		if !c.PassedExam {
			return refuse(c, "exam", "：未通过执法资格考试，不能首次申领")
		}
	case AppInspection:
		if r := inspectable(c, today, round); r != nil {
			return r
		}
	case AppReplacement, AppRenewal:
		if c.Cert == nil || c.Cert.State != CertActive {
			return refuse(c, "cert_state", "：没有有效证件")
		}
	case AppCancellation:
		if c.Cert == nil || (c.Cert.State != CertActive && c.Cert.State != CertSuspended) {
			return refuse(c, "cert_state", "：没有可注销的证件")
		}
	case AppSuspension:
		if c.Cert == nil || c.Cert.State != CertActive {
			return refuse(c, "cert_state", "：没有可暂扣的有效证件")
		}
	case AppRevocation:
		if c.Cert == nil || (c.Cert.State != CertActive && c.Cert.State != CertSuspended) {
			return refuse(c, "cert_state", "：没有可吊销的证件")
		}
	}
	return nil
}

// inspectable: an active certificate, last inspected in the round's year
// (年检年度), not overdue (seed 年检 1.1: overdue ones can only be cancelled),
// and the exam every Nth inspection.
func inspectable(c Candidate, today Date, round int) *Refusal {
	if c.Cert == nil || c.Cert.State != CertActive || c.Cert.LastInspectedOn == nil || c.Cert.NextDueOn == nil {
		return refuse(c, "cert_state", "：没有有效证件")
	}
	if round != 0 && c.Cert.LastInspectedOn.Year() != round {
		return refuse(c, "round", "：上次年检为 %d 年，不属于年检年度 %d", c.Cert.LastInspectedOn.Year(), round)
	}
	if today.After(*c.Cert.NextDueOn) {
		return refuse(c, "overdue", "：已超过年检期限（%s），不能年检，只能注销后重新申请", c.Cert.NextDueOn)
	}
	return nil
}

// CheckLegalApproval is the legal office's second look (同级政府法制机构审核):
// 考试不合格、没有照片审核不能通过, plus eligibility and, for inspections,
// the deadline and the exam due every Nth inspection.
func CheckLegalApproval(kind AppKind, c Candidate, today Date, insp InspectionPolicy) *Refusal {
	switch kind {
	case AppNewCard, AppReplacement, AppRenewal:
		if r := eligible(c, today); r != nil {
			return r
		}
		if kind == AppNewCard && !c.PassedExam {
			return refuse(c, "exam", "：未通过执法资格考试")
		}
	case AppInspection:
		if r := inspectable(c, today, 0); r != nil {
			return r
		}
		if !c.HasPhoto {
			return refuse(c, "photo", "：没有照片")
		}
		if insp.ExamEveryNth > 0 && (c.Inspections+1)%insp.ExamEveryNth == 0 && !c.ExamSince {
			return refuse(c, "exam", "：本次为第 %d 次年检，须考试合格（每 %d 次年检考试一次）", c.Inspections+1, insp.ExamEveryNth)
		}
	}
	return nil
}
