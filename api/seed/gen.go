package seed

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/password"
	"github.com/lecms/lecms/api/pii"
	"github.com/lecms/lecms/api/store"
)

// Deps is what seeding needs. Policy defaults to
// domain.DefaultInspectionPolicy, Today to the current date, Log to a
// discarding logger; Hasher is needed by Demo only.
type Deps struct {
	DB     *store.DB
	PII    *pii.Protector
	Hasher *password.Hasher
	Policy domain.InspectionPolicy
	Today  domain.Date
	Log    *slog.Logger
	// Writers is the number of concurrent batch writers on PostgreSQL
	// (SQLite has one writer); 0 means 2.
	Writers int
}

func (d *Deps) fill() error {
	if d.DB == nil || d.PII == nil {
		return errors.New("seed: Deps.DB and Deps.PII are required")
	}
	if d.Policy.CycleMonths <= 0 {
		d.Policy = domain.DefaultInspectionPolicy()
	}
	if d.Today.IsZero() {
		d.Today = domain.DateOf(time.Now())
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return nil
}

// Summary counts what a seeding run inserted.
type Summary struct {
	Regions      int
	Units        int
	Officers     int
	Certificates int
	Exams        int
	Users        int
	CertStates   map[domain.CertState]int // officers by current certificate state (none included)
	DueStates    map[domain.DueState]int  // officers by due state on Deps.Today
	Elapsed      time.Duration
}

func newSummary() Summary {
	return Summary{CertStates: map[domain.CertState]int{}, DueStates: map[domain.DueState]int{}}
}

func (s *Summary) count(policy domain.InspectionPolicy, today domain.Date, batch []store.NewOfficer) {
	for i := range batch {
		o := &batch[i]
		s.Officers++
		s.Exams += len(o.Exams)
		if o.Cert == nil {
			s.CertStates[domain.CertNone]++
			s.DueStates[domain.DueNone]++
			continue
		}
		s.Certificates++
		s.CertStates[o.Cert.State]++
		s.DueStates[policy.DueStateOn(o.Cert.NextDueOn, today)]++
	}
}

// String is the one-line summary the CLI prints.
func (s Summary) String() string {
	return fmt.Sprintf("regions %d, units %d, officers %d, certificates %d, exam records %d, users %d in %s",
		s.Regions, s.Units, s.Officers, s.Certificates, s.Exams, s.Users, s.Elapsed.Round(time.Millisecond))
}

// unitInfo is what officer generation needs to know about a unit.
type unitInfo struct {
	ID       int64
	Code     string
	Name     string
	Region   domain.RegionCode
	Category string
	Legal    bool // a legal office: its officers hold supervision certificates
}

// certPlan is the certificate situation an officer is generated in.
type certPlan int

const (
	planActiveOK certPlan = iota
	planDueSoon
	planOverdue
	planPending
	planNone
	planSuspended
	planRevoked
	planCancelled
	planVoid
)

// planWeights (per mille) for established staff; the others hold no
// certificate (order 292 makes them ineligible).
var planWeights = [...]int{
	planActiveOK: 540, planDueSoon: 80, planOverdue: 70, planPending: 50, planNone: 130,
	planSuspended: 20, planRevoked: 15, planCancelled: 60, planVoid: 35,
}

var staffingWeights = []struct {
	s domain.Staffing
	w int // per mille
}{
	{domain.StaffingEstablished, 960}, {domain.StaffingContract, 15}, {domain.StaffingDispatched, 10},
	{domain.StaffingSeconded, 5}, {domain.StaffingTemporary, 10},
}

// earliestIssue bounds issue dates from below: the province's current card
// system dates from 2008.
var earliestIssue = domain.MustDate("2008-01-01")

// officerGen draws officers deterministically. Identity (unit, name, ID
// number, staffing, certificate plan) comes from rng with a fixed number of
// draws per officer, history (dates, exams, chip) from hist, so the same
// people appear whatever Deps.Today is; only their dates move.
type officerGen struct {
	rng     *rand.Rand
	hist    *rand.Rand
	pii     *pii.Protector
	policy  domain.InspectionPolicy
	today   domain.Date
	certSeq map[string]int // number prefix (region + type code) → last sequence used
}

func newOfficerGen(seed uint64, d Deps, existing map[string]string) *officerGen {
	g := &officerGen{rng: rand.New(rand.NewPCG(seed, 0x4c45434d53)), hist: rand.New(rand.NewPCG(seed, 0x68697374)), pii: d.PII, policy: d.Policy,
		today: d.Today, certSeq: map[string]int{}}
	for prefix, max := range existing {
		if len(max) == certNumberLen {
			if n, err := strconv.Atoi(max[certPrefixLen:]); err == nil {
				g.certSeq[prefix] = n
			}
		}
	}
	return g
}

// Certificate numbers follow the default template: region code of the unit,
// type code, 6-digit sequence per region and type, e.g. 370102ZF000123.
const (
	certPrefixLen = 8
	certNumberLen = 14
)

func typeCode(t domain.CertType) string {
	if t == domain.CertSupervision {
		return "JD"
	}
	return "ZF"
}

func (g *officerGen) nextNumber(region domain.RegionCode, t domain.CertType) string {
	prefix := string(region) + typeCode(t)
	g.certSeq[prefix]++
	if g.certSeq[prefix] > 999999 {
		panic("seed: certificate sequence exhausted for " + prefix)
	}
	return fmt.Sprintf("%s%06d", prefix, g.certSeq[prefix])
}

// dateIn draws a day uniformly from [lo, hi].
func dateIn(r *rand.Rand, lo, hi domain.Date) domain.Date {
	days := int(hi.Time().Sub(lo.Time()).Hours() / 24)
	if days <= 0 {
		return lo
	}
	return lo.AddDays(r.IntN(days + 1))
}

// dateIn draws a history date.
func (g *officerGen) dateIn(lo, hi domain.Date) domain.Date { return dateIn(g.hist, lo, hi) }

// lastInspection draws a last inspection date in [lo, hi] whose due date
// has the wanted state today; the ranges are chosen so that the first draw
// almost always fits, the loop only absorbs month-end clamping.
func (g *officerGen) lastInspection(lo, hi domain.Date, want domain.DueState) domain.Date {
	var d domain.Date
	for range 64 {
		d = g.dateIn(lo, hi)
		due := g.policy.NextDue(d)
		if g.policy.DueStateOn(&due, g.today) == want {
			return d
		}
	}
	return d
}

// pct is an identity draw, hpct a history draw.
func (g *officerGen) pct(p int) bool  { return g.rng.IntN(100) < p }
func (g *officerGen) hpct(p int) bool { return g.hist.IntN(100) < p }

func (g *officerGen) staffing() domain.Staffing {
	n := g.rng.IntN(1000)
	for _, s := range staffingWeights {
		if n < s.w {
			return s.s
		}
		n -= s.w
	}
	return domain.StaffingEstablished
}

func (g *officerGen) plan() certPlan {
	n := g.rng.IntN(1000)
	for p, w := range planWeights {
		if n < w {
			return certPlan(p)
		}
		n -= w
	}
	return planActiveOK
}

func ptr(d domain.Date) *domain.Date { return &d }

// officer builds one officer of unit u with ID number id and officer code.
func (g *officerGen) officer(u *unitInfo, code string, id domain.IDNumber) store.NewOfficer {
	idStr := id.String()
	o := store.NewOfficer{
		Code: code, Name: chineseName(g.rng, id.Sex() == domain.SexMale),
		IDNumberEnc: g.pii.Seal(idStr, store.IDNumberAAD), IDNumberHash: g.pii.BlindIndex(idStr),
		IDNumberMasked: id.Masked(), Sex: id.Sex(), BirthDate: id.BirthDate(), UnitID: u.ID,
		Area: areaName(u.Region), Category: u.Category, Education: pickEducation(g.rng),
		Post: posts[g.rng.IntN(len(posts))], Staffing: g.staffing(),
	}
	plan := g.plan() // drawn for everyone: a fixed number of identity draws
	if o.Staffing != domain.StaffingEstablished {
		plan = planNone
	}
	C, W, T := g.policy.CycleMonths, g.policy.WarnMonths, g.today
	minIssue := o.BirthDate.AddMonths(22 * 12)
	if minIssue.Before(earliestIssue) {
		minIssue = earliestIssue
	}
	var last domain.Date
	switch plan {
	case planActiveOK, planSuspended:
		last = g.lastInspection(T.AddMonths(W-C).AddDays(2), T, domain.DueOK)
	case planDueSoon:
		last = g.lastInspection(T.AddMonths(-C), T.AddMonths(W-C), domain.DueSoon)
	case planOverdue:
		last = g.lastInspection(T.AddMonths(-C-36), T.AddMonths(-C).AddDays(-1), domain.DueOverdue)
	case planRevoked, planCancelled, planVoid:
		last = g.dateIn(T.AddMonths(-C-48), T.AddMonths(-2))
	}
	if !last.IsZero() && last.Before(minIssue) {
		plan = planPending // too young for that history: a first application instead
	}

	switch plan {
	case planNone:
		o.HasPhoto = g.hpct(75)
		o.TrainingHours = g.hist.IntN(61)
		switch n := g.hist.IntN(100); {
		case o.Staffing != domain.StaffingEstablished || n < 55: // no exam yet
		case n < 80: // failed: the audit gate refuses them
			o.Exams = []store.NewExam{g.exam(g.dateIn(T.AddMonths(-18), T.AddDays(-7)), false)}
		default: // passed, not yet applied
			o.Exams = []store.NewExam{g.exam(g.dateIn(T.AddMonths(-12), T.AddDays(-7)), true)}
		}
		return o
	case planPending:
		o.HasPhoto = true
		o.TrainingHours = 40 + g.hist.IntN(41)
		o.Exams = []store.NewExam{g.exam(g.dateIn(T.AddMonths(-6), T.AddDays(-10)), true)}
		t := g.certType(u)
		o.Cert = &store.NewCertificate{Type: t, State: domain.CertPending}
		return o
	}

	// An issued certificate: issued k cycles before the last inspection. A
	// card not yet inspected (k = 0) carries its issue date as the last
	// inspection date, since its first cycle runs from the issue; that keeps
	// the 年检年度 filter (year of the last inspection) meaningful for it.
	o.HasPhoto = true
	o.TrainingHours = 40 + g.hist.IntN(121)
	k := []int{0, 1, 1, 2, 2, 3, 3, 4}[g.hist.IntN(8)]
	for k > 0 && last.AddMonths(-C*k).Before(minIssue) {
		k--
	}
	issued := last.AddMonths(-C * k)
	if g.hpct(4) { // a failed first attempt, passed on the retake
		o.Exams = append(o.Exams, g.exam(issued.AddDays(-120-g.hist.IntN(60)), false))
	}
	o.Exams = append(o.Exams, g.exam(issued.AddDays(-10-g.hist.IntN(80)), true))
	for j := 1; j <= k; j++ { // an exam at every Nth inspection
		if g.policy.ExamEveryNth > 0 && j%g.policy.ExamEveryNth == 0 {
			o.Exams = append(o.Exams, g.exam(issued.AddMonths(C*j).AddDays(-10-g.hist.IntN(50)), true))
		}
	}
	// The next inspection is the (k+1)th: when it is an exam year (四年年审必须
	// 考试), an officer already in the round has sat the exam since the last
	// inspection, so the legal office's gate finds it (those not yet due sit
	// it later).
	if N := g.policy.ExamEveryNth; plan == planDueSoon && N > 0 && (k+1)%N == 0 {
		o.Exams = append(o.Exams, g.exam(g.dateIn(last.AddDays(1), T.AddDays(-7)), true))
	}
	t := g.certType(u)
	c := &store.NewCertificate{Type: t, Number: g.nextNumber(u.Region, t), IssuedOn: ptr(issued), LastInspectedOn: ptr(last),
		Inspections: k}
	switch plan {
	case planActiveOK, planDueSoon, planOverdue, planSuspended:
		c.State = domain.CertActive
		if plan == planSuspended {
			c.State = domain.CertSuspended
		}
		c.NextDueOn = ptr(g.policy.NextDue(last))
		c.ChipUID = fmt.Sprintf("%08X", g.hist.Uint32())
		c.CardSerial = fmt.Sprintf("SD%d%07d", issued.Year(), g.hist.IntN(10_000_000))
	case planRevoked:
		c.State = domain.CertRevoked
		c.BarredUntil = ptr(g.dateIn(last, T).AddMonths(24)) // revocation bars a new application for 2 years
	case planCancelled:
		c.State = domain.CertCancelled
	case planVoid:
		c.State = domain.CertVoid
		c.VoidReason = []string{"遗失，已登报声明作废", "补卡，原证作废", "损毁，换发新证"}[g.hist.IntN(3)]
	}
	o.Cert = c
	return o
}

func (g *officerGen) certType(u *unitInfo) domain.CertType {
	if u.Legal {
		return domain.CertSupervision
	}
	return domain.CertLawEnforcement
}

func (g *officerGen) exam(on domain.Date, passed bool) store.NewExam {
	e := store.NewExam{Kind: "general", TakenOn: on, Passed: passed}
	if g.hpct(30) {
		e.Kind = "special"
	}
	if passed {
		e.Score = float64(60 + g.hist.IntN(39))
	} else {
		e.Score = float64(30 + g.hist.IntN(30))
	}
	return e
}
