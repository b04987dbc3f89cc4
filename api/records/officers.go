package records

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/identity"
	"github.com/lecms/lecms/api/store"
)

// Annual review results (年度考核) and disciplinary sanctions (处分); the
// lifecycle gates bar "incompetent" and sanctions of 记过 and above while
// in force (order 292).
var (
	ReviewResults = []string{"excellent", "competent", "basically_competent", "incompetent"} // 优秀 称职 基本称职 不称职
	Sanctions     = []string{"warning", "demerit", "major_demerit", "demotion", "dismissal_probation"}
)

// OfficerInput is an officer as the 档案管理 form sends it. Sex and birth
// date are derived from the ID number (seed: 生日和性别会根据身份证编号自动
// 识别) unless given, in which case the given values are kept.
type OfficerInput struct {
	Code          string          `json:"code" validate:"required" example:"A00001-0001" maxLength:"32"` // 执法人员编码
	Name          string          `json:"name" validate:"required" example:"张三" maxLength:"64"`
	IDNumber      string          `json:"id_number" validate:"required" example:"11010519491231002X" maxLength:"40"`    // any GB 11643 form: lower-case x, full-width digits
	Sex           domain.Sex      `json:"sex,omitempty" enums:"M,F"`                                                    // empty: from the ID number
	BirthDate     *domain.Date    `json:"birth_date,omitempty" swaggertype:"string" format:"date" example:"1949-12-31"` // empty: from the ID number
	UnitID        int64           `json:"unit_id,omitempty" example:"12"`                                               // empty: the caller's unit; not changed by an edit
	Area          string          `json:"area" validate:"required" example:"济南市历下区" maxLength:"64"`                     // 执法区域, printed on the card
	Category      string          `json:"category,omitempty" example:"城市管理" maxLength:"64"`                             // 执法类别
	Education     string          `json:"education,omitempty" example:"大学本科" maxLength:"32"`
	Post          string          `json:"post,omitempty" example:"科员" maxLength:"64"`
	Staffing      domain.Staffing `json:"staffing" validate:"required" enums:"established,contract,dispatched,seconded,temporary"`
	TrainingHours int             `json:"training_hours,omitempty" minimum:"0" maximum:"10000" example:"40"`
	ReviewResult  string          `json:"review_result,omitempty" enums:"excellent,competent,basically_competent,incompetent"`
	SanctionLevel string          `json:"sanction_level,omitempty" enums:"warning,demerit,major_demerit,demotion,dismissal_probation"`
	SanctionUntil *domain.Date    `json:"sanction_until,omitempty" swaggertype:"string" format:"date" example:"2027-06-30"` // required with a sanction
}

// OfficerUpdate is an edit: the whole form with the version it was loaded
// at. A version someone else has saved over is refused (409).
type OfficerUpdate struct {
	Version int `json:"version" validate:"required" minimum:"1" example:"3"`
	OfficerInput
}

// Exam is one exam result (执法资格考试).
type Exam struct {
	ID        int64       `json:"id" validate:"required"`
	Kind      string      `json:"kind" validate:"required" enums:"general,special"` // 公共法律知识 / 专业法律知识
	TakenOn   domain.Date `json:"taken_on" validate:"required" swaggertype:"string" format:"date" example:"2024-05-18"`
	Score     float64     `json:"score" validate:"required" example:"86.5"`
	Passed    bool        `json:"passed" validate:"required"`
	CreatedAt time.Time   `json:"created_at" validate:"required"`
}

// ExamInput records an exam result.
type ExamInput struct {
	Kind    string       `json:"kind" validate:"required" enums:"general,special"`
	TakenOn *domain.Date `json:"taken_on" validate:"required" swaggertype:"string" format:"date" example:"2024-05-18"`
	Score   *float64     `json:"score" validate:"required" minimum:"0" maximum:"100" example:"86.5"`
	Passed  *bool        `json:"passed" validate:"required"`
}

// PhotoInfo describes an officer's stored photo.
type PhotoInfo struct {
	SHA256    string    `json:"sha256" validate:"required" example:"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"` // also the ETag
	Width     int       `json:"width" validate:"required" example:"295"`
	Height    int       `json:"height" validate:"required" example:"413"`
	UpdatedAt time.Time `json:"updated_at" validate:"required"`
}

// OfficerProfile is what the officer form shows and edits: the officer as
// lists show it plus the editable fields, the version to send back, the
// exams and the photo. The full ID number is present only for those who
// may edit the record (the unit operator of its unit), and reading it is
// audited.
type OfficerProfile struct {
	domain.Officer
	Version       int          `json:"version" validate:"required" example:"3"`
	IDNumber      string       `json:"id_number,omitempty" example:"11010519491231002X"`
	TrainingHours int          `json:"training_hours" validate:"required" example:"40"`
	ReviewResult  string       `json:"review_result" validate:"required" enums:",excellent,competent,basically_competent,incompetent"`
	SanctionLevel string       `json:"sanction_level" validate:"required" enums:",warning,demerit,major_demerit,demotion,dismissal_probation"`
	SanctionUntil *domain.Date `json:"sanction_until" validate:"required" swaggertype:"string" format:"date" extensions:"x-nullable"`
	UnitDissolved bool         `json:"unit_dissolved" validate:"required"`
	Exams         []Exam       `json:"exams" validate:"required"`
	Photo         *PhotoInfo   `json:"photo" validate:"required" extensions:"x-nullable"`
	CanEdit       bool         `json:"can_edit" validate:"required"`
	// OpenApplication is the application in progress, if any; while it
	// locks them, LockedFields lists the printed fields that may not change.
	OpenApplication *OpenApplication `json:"open_application" validate:"required" extensions:"x-nullable"`
	LockedFields    []string         `json:"locked_fields" validate:"required" example:"code,name,unit_id,area,photo"`
	CreatedAt       time.Time        `json:"created_at" validate:"required"`
	UpdatedAt       time.Time        `json:"updated_at" validate:"required"`
}

// officerFields validates a form into v, naming every bad field, and
// returns the fields to store with the ID number sealed.
func (s *Service) officerFields(in OfficerInput, v *domain.Validation) store.OfficerFields {
	f := store.OfficerFields{Code: strings.TrimSpace(in.Code), Name: strings.TrimSpace(in.Name),
		Area: strings.TrimSpace(in.Area), Category: strings.TrimSpace(in.Category), Education: strings.TrimSpace(in.Education),
		Post: strings.TrimSpace(in.Post), Staffing: in.Staffing, TrainingHours: in.TrainingHours,
		ReviewResult: in.ReviewResult, SanctionLevel: in.SanctionLevel, SanctionUntil: in.SanctionUntil}
	today := s.today()
	switch {
	case f.Code == "":
		v.Add("code", "required", "执法人员编码不能为空")
	case len(f.Code) > 32 || strings.Trim(f.Code, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_") != "":
		v.Add("code", "format", "执法人员编码只能包含字母、数字、- 和 _，最多32位")
	}
	text := func(field, label, value string, required bool, maxRunes int) {
		switch n := utf8.RuneCountInString(value); {
		case n == 0 && required:
			v.Add(field, "required", label+"不能为空")
		case n > maxRunes:
			v.Add(field, "max_length", label+"最多"+strconv.Itoa(maxRunes)+"个字")
		}
	}
	text("name", "姓名", f.Name, true, 64)
	text("area", "执法区域", f.Area, true, 64)
	text("category", "执法类别", f.Category, false, 64)
	text("education", "学历", f.Education, false, 32)
	text("post", "职务", f.Post, false, 64)

	id, err := domain.ParseIDNumber(in.IDNumber)
	var de *domain.Error
	switch {
	case errors.As(err, &de):
		for _, fe := range de.Fields {
			v.Add(fe.Field, fe.Rule, fe.Message)
		}
	case !id.BirthDateValid(today):
		v.Add("id_number", "birth_date", "身份证号中的出生日期晚于今天")
	default:
		f.IDNumberEnc, f.IDNumberHash, f.IDNumberMasked = s.PII.Seal(string(id), store.IDNumberAAD), s.PII.BlindIndex(string(id)), id.Masked()
		f.Sex, f.BirthDate = id.Sex(), id.BirthDate()
	}
	switch in.Sex {
	case "":
	case domain.SexMale, domain.SexFemale:
		f.Sex = in.Sex
	default:
		v.Add("sex", "enum", "性别应为 M（男）或 F（女）")
	}
	if in.BirthDate != nil && !in.BirthDate.IsZero() {
		if in.BirthDate.Year() < 1900 || in.BirthDate.After(today) {
			v.Add("birth_date", "range", "出生日期应在1900年之后且不晚于今天")
		}
		f.BirthDate = *in.BirthDate
	}
	switch in.Staffing {
	case domain.StaffingEstablished, domain.StaffingContract, domain.StaffingDispatched, domain.StaffingSeconded, domain.StaffingTemporary:
	case "":
		v.Add("staffing", "required", "请选择编制情况")
	default:
		v.Add("staffing", "enum", "编制情况应为 established、contract、dispatched、seconded、temporary 之一")
	}
	if f.TrainingHours < 0 || f.TrainingHours > 10000 {
		v.Add("training_hours", "range", "培训学时应为0至10000")
	}
	if f.ReviewResult != "" && !slices.Contains(ReviewResults, f.ReviewResult) {
		v.Add("review_result", "enum", "年度考核结果应为 "+strings.Join(ReviewResults, "、")+" 之一")
	}
	switch {
	case f.SanctionLevel == "" && f.SanctionUntil != nil:
		v.Add("sanction_until", "requires_sanction", "没有处分时不填写处分期限")
	case f.SanctionLevel == "":
	case !slices.Contains(Sanctions, f.SanctionLevel):
		v.Add("sanction_level", "enum", "处分应为 "+strings.Join(Sanctions, "、")+" 之一")
	case f.SanctionUntil == nil || f.SanctionUntil.IsZero():
		v.Add("sanction_until", "required", "有处分时须填写处分期限（截止日期）")
	}
	return f
}

// CreateOfficer records a new officer (档案管理 → 添加) in the caller's unit,
// or in in.UnitID where p may write officers of that unit.
func (s *Service) CreateOfficer(ctx context.Context, p domain.Principal, in OfficerInput, c identity.Client) (OfficerProfile, error) {
	var v domain.Validation
	f := s.officerFields(in, &v)
	unitID := in.UnitID
	if unitID == 0 {
		unitID = p.UnitID
	}
	if unitID == 0 {
		v.Add("unit_id", "required", "请选择所在单位")
	}
	if err := v.Err(); err != nil {
		return OfficerProfile{}, err
	}
	f.UnitID = unitID
	detail := map[string]any{"code": f.Code, "id_number": f.IDNumberMasked, "unit_id": unitID}
	u, err := s.Units.Get(ctx, unitID)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return OfficerProfile{}, domain.Invalid(domain.FieldError{Field: "unit_id", Rule: "exists", Message: "所在单位不存在"})
	}
	var id int64
	if err == nil && !s.Authz.Can(p, "officer", authz.Write, authz.Target{Region: u.RegionCode, UnitID: u.ID}) {
		err = domain.Errorf(domain.CodeForbidden, "您不能为执法单位 %s 登记执法人员", u.Code)
	}
	if err == nil {
		id, err = s.Officers.Create(ctx, f)
	}
	if err := s.record(ctx, p, c, "officer.create", "officer", id, u.RegionCode, err, detail); err != nil {
		return OfficerProfile{}, err
	}
	return s.profile(ctx, p, id, c, false)
}

// UpdateOfficer saves an edit made at in.Version. The unit does not change.
func (s *Service) UpdateOfficer(ctx context.Context, p domain.Principal, id int64, in OfficerUpdate, c identity.Client) (OfficerProfile, error) {
	cur, err := s.writableOfficer(ctx, p, id)
	if err != nil {
		return OfficerProfile{}, s.record(ctx, p, c, "officer.update", "officer", id, "", err, nil)
	}
	var v domain.Validation
	f := s.officerFields(in.OfficerInput, &v)
	if in.Version < 1 {
		v.Add("version", "required", "缺少档案版本号（version），请刷新后重新编辑")
	}
	if in.UnitID != 0 && in.UnitID != cur.UnitID {
		v.Add("unit_id", "immutable", "修改档案不能变更所在单位")
	}
	if err := v.Err(); err != nil {
		return OfficerProfile{}, err
	}
	f.UnitID = cur.UnitID
	detail := map[string]any{"code": f.Code, "version": in.Version, "changed": officerChanges(cur.OfficerFields, f)}
	// The printed-field lock is checked by the store against the row it
	// locks for the write, not against cur: checked here, an application
	// submitted between the check and the write would be stamped with the
	// values the write is about to replace.
	guard := s.printedGuard(func(stored store.OfficerFields) []string { return printedChanges(stored, f) }, detail)
	_, err = s.Officers.Update(ctx, id, in.Version, f, guard)
	if err := s.record(ctx, p, c, "officer.update", "officer", id, cur.RegionCode, err, detail); err != nil {
		return OfficerProfile{}, err
	}
	return s.profile(ctx, p, id, c, false)
}

// officerChanges names the fields an edit changes (names only: the audit
// trail holds no personal data in clear).
func officerChanges(a, b store.OfficerFields) []string {
	changed := []string{}
	add := func(name string, differ bool) {
		if differ {
			changed = append(changed, name)
		}
	}
	add("code", a.Code != b.Code)
	add("name", a.Name != b.Name)
	add("id_number", !bytes.Equal(a.IDNumberHash, b.IDNumberHash))
	add("sex", a.Sex != b.Sex)
	add("birth_date", !a.BirthDate.Equal(b.BirthDate))
	add("area", a.Area != b.Area)
	add("category", a.Category != b.Category)
	add("education", a.Education != b.Education)
	add("post", a.Post != b.Post)
	add("staffing", a.Staffing != b.Staffing)
	add("training_hours", a.TrainingHours != b.TrainingHours)
	add("review_result", a.ReviewResult != b.ReviewResult)
	add("sanction_level", a.SanctionLevel != b.SanctionLevel)
	add("sanction_until", !sameDate(a.SanctionUntil, b.SanctionUntil))
	return changed
}

func sameDate(a, b *domain.Date) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// OfficerProfile returns the edit form's view of officer id (scoped like
// the officer read). For an editor it includes the full ID number, and
// that read is audited.
func (s *Service) OfficerProfile(ctx context.Context, p domain.Principal, id int64, c identity.Client) (OfficerProfile, error) {
	return s.profile(ctx, p, id, c, true)
}

func (s *Service) profile(ctx context.Context, p domain.Principal, id int64, c identity.Client, reveal bool) (OfficerProfile, error) {
	o, err := s.Reader.GetOfficer(ctx, p, id)
	if err != nil {
		return OfficerProfile{}, err
	}
	r, err := s.Officers.Record(ctx, id)
	if err != nil {
		return OfficerProfile{}, err
	}
	exams, err := s.Exams.List(ctx, id)
	if err != nil {
		return OfficerProfile{}, err
	}
	out := OfficerProfile{Officer: o, Version: r.Version, TrainingHours: r.TrainingHours, ReviewResult: r.ReviewResult,
		SanctionLevel: r.SanctionLevel, SanctionUntil: r.SanctionUntil, UnitDissolved: r.UnitDissolved,
		Exams: make([]Exam, len(exams)), CanEdit: s.Authz.Can(p, "officer", authz.Write, officerTarget(r)),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	for i, e := range exams {
		out.Exams[i] = examOut(e)
	}
	if out.OpenApplication, err = s.openApplication(ctx, id); err != nil {
		return OfficerProfile{}, err
	}
	out.LockedFields = []string{}
	if out.OpenApplication != nil && out.OpenApplication.Locks {
		out.LockedFields = PrintedFields()
	}
	if r.HasPhoto {
		ph, found, err := s.Photos.Meta(ctx, id)
		if err != nil {
			return OfficerProfile{}, err
		}
		if found {
			out.Photo = &PhotoInfo{SHA256: ph.SHA256, Width: ph.Width, Height: ph.Height, UpdatedAt: ph.UpdatedAt}
		}
	}
	if reveal && out.CanEdit {
		full, err := s.PII.Open(r.IDNumberEnc, store.IDNumberAAD)
		if err != nil {
			return OfficerProfile{}, domain.Internal(err)
		}
		// Audited before it is shown: no audit, no number.
		if err := s.record(ctx, p, c, "officer.reveal_id_number", "officer", id, r.RegionCode, nil,
			map[string]any{"code": r.Code, "id_number": r.IDNumberMasked}); err != nil {
			return OfficerProfile{}, err
		}
		out.IDNumber = full
	}
	return out, nil
}

func examOut(e store.Exam) Exam {
	return Exam{ID: e.ID, Kind: e.Kind, TakenOn: e.TakenOn, Score: e.Score, Passed: e.Passed, CreatedAt: e.CreatedAt}
}

// AddExam records an exam result of officer id.
func (s *Service) AddExam(ctx context.Context, p domain.Principal, id int64, in ExamInput, c identity.Client) (Exam, error) {
	var v domain.Validation
	if in.Kind != "general" && in.Kind != "special" {
		v.Add("kind", "enum", "考试类别应为 general（公共法律知识）或 special（专业法律知识）")
	}
	switch {
	case in.TakenOn == nil || in.TakenOn.IsZero():
		v.Add("taken_on", "required", "请填写考试日期")
	case in.TakenOn.Year() < 1990 || in.TakenOn.After(s.today()):
		v.Add("taken_on", "range", "考试日期应在1990年之后且不晚于今天")
	}
	switch {
	case in.Score == nil:
		v.Add("score", "required", "请填写考试成绩")
	case *in.Score < 0 || *in.Score > 100:
		v.Add("score", "range", "考试成绩应为0至100分")
	}
	if in.Passed == nil {
		v.Add("passed", "required", "请填写是否合格")
	}
	if err := v.Err(); err != nil {
		return Exam{}, err
	}
	r, err := s.writableOfficer(ctx, p, id)
	var e store.Exam
	if err == nil {
		e, err = s.Exams.Add(ctx, id, store.NewExam{Kind: in.Kind, TakenOn: *in.TakenOn, Score: *in.Score, Passed: *in.Passed})
	}
	detail := map[string]any{"code": r.Code, "kind": in.Kind, "taken_on": in.TakenOn.String(), "passed": *in.Passed}
	if err := s.record(ctx, p, c, "officer.exam_add", "officer", id, r.RegionCode, err, detail); err != nil {
		return Exam{}, err
	}
	return examOut(e), nil
}
